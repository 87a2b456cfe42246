import { ValidationError, type PropertyErrors } from 'adminjs';
import type { DataSource } from 'typeorm';
import type { CurrentAdmin } from '../../apps/server/src/auth/current-admin.js';
import type { PanelMessage } from '../locale.js';

/** Field → German message. */
export type FieldErrors = Record<string, string>;

/** What a resource's rules may look at besides the draft record. */
export interface RuleContext {
  admin: CurrentAdmin;
  /** The tenant the record belongs to (null only for installation-wide rows). */
  tenantId: string | null;
  isNew: boolean;
  /** The record before the change (edit) or null (new). */
  before: Record<string, any> | null;
  dataSource: DataSource;
}

export const TIME_RE = /^([01]\d|2[0-3]):[0-5]\d$/;
export const DATE_RE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export const MSG = {
  required: 'Pflichtfeld.',
  time: 'Bitte eine Uhrzeit im Format HH:MM angeben (z. B. 09:00).',
  date: 'Bitte ein Datum im Format JJJJ-MM-TT angeben (z. B. 2026-12-24).',
  integer: 'Bitte eine ganze Zahl angeben.',
  email: 'Bitte eine gültige E-Mail-Adresse angeben.',
  reference: 'Bitte einen Eintrag aus der Liste wählen.',
};

/** Small checks that collect German messages per field. */
export class Rules {
  readonly errors: FieldErrors = {};

  constructor(readonly draft: Record<string, any>) {}

  fail(field: string, message: string): this {
    this.errors[field] ??= message;
    return this;
  }

  ok(field: string): boolean {
    return !this.errors[field];
  }

  text(field: string, { required = true, max = 200 }: { required?: boolean; max?: number } = {}): this {
    const v = this.draft[field];
    if (v === null || v === undefined || String(v).trim() === '') return required ? this.fail(field, MSG.required) : this;
    if (String(v).length > max) this.fail(field, `Höchstens ${max} Zeichen.`);
    return this;
  }

  int(field: string, min: number, max: number, { required = true, message }: { required?: boolean; message?: string } = {}): this {
    const v = this.draft[field];
    if (v === null || v === undefined || v === '') return required ? this.fail(field, MSG.required) : this;
    if (typeof v !== 'number' || !Number.isInteger(v)) return this.fail(field, MSG.integer);
    if (v < min || v > max) this.fail(field, message ?? `Bitte einen Wert von ${min} bis ${max} angeben.`);
    return this;
  }

  time(field: string): this {
    const v = this.draft[field];
    if (v === null || v === undefined || v === '') return this.fail(field, MSG.required);
    if (!TIME_RE.test(String(v))) this.fail(field, MSG.time);
    return this;
  }

  date(field: string, { required = true }: { required?: boolean } = {}): this {
    const v = this.draft[field];
    if (v === null || v === undefined || v === '') return required ? this.fail(field, MSG.required) : this;
    if (!DATE_RE.test(String(v)) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))) this.fail(field, MSG.date);
    return this;
  }

  email(field: string, { required = false }: { required?: boolean } = {}): this {
    const v = this.draft[field];
    if (v === null || v === undefined || v === '') return required ? this.fail(field, MSG.required) : this;
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(String(v))) this.fail(field, MSG.email);
    return this;
  }

  pattern(field: string, re: RegExp, message: string, { required = true }: { required?: boolean } = {}): this {
    const v = this.draft[field];
    if (v === null || v === undefined || v === '') return required ? this.fail(field, MSG.required) : this;
    if (!re.test(String(v))) this.fail(field, message);
    return this;
  }
}

/**
 * A message key with a language-neutral detail (variable names, a parser's complaint) for a field
 * shown by components/field-message.ts, which words the key around `{{detail}}` in the panel's language.
 */
export function fieldMessage(key: PanelMessage, detail: string): string {
  return `${key}|${detail}`;
}

/** Minutes since midnight of an HH:MM string. */
export function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return h * 60 + m;
}

/** AdminJS shows these next to the fields and refuses the save. */
export function toValidationError(errors: FieldErrors): ValidationError {
  const propertyErrors: PropertyErrors = Object.fromEntries(Object.entries(errors).map(([field, message]) => [field, { type: 'validation', message }]));
  // The notice is a message key too: AdminJS words it in the panel's language.
  return new ValidationError(propertyErrors, { type: 'validation', message: 'checkMarkedFields' satisfies PanelMessage });
}
