import type { z } from 'zod';
import type { PanelMessage } from '../locale.js';
import { TIME_RE, type FieldErrors } from './validation.js';

type Text = { de: string; en: string };

/**
 * What a settings field says about itself: `.meta({ label, help, options })` on the zod field
 * (before or after `.default()`). `options` labels the values of an enum.
 */
export interface SettingsFieldMeta {
  label: Text;
  help?: Text;
  options?: Record<string, Text>;
}

export type SettingsFieldKind = 'number' | 'boolean' | 'time' | 'enum' | 'multi' | 'text';

/** One generated form field (sent to the browser as JSON). */
export interface SettingsField {
  key: string;
  kind: SettingsFieldKind;
  label: Text;
  help?: Text;
  min?: number;
  max?: number;
  options?: Array<{ value: string; label: Text }>;
  default?: unknown;
}

interface ZodInternals {
  _zod: {
    def: {
      type: string;
      innerType?: ZodInternals;
      element?: ZodInternals;
      defaultValue?: unknown;
      entries?: Record<string, string>;
      shape?: Record<string, ZodInternals>;
    };
  };
  meta(): Record<string, unknown> | undefined;
  minValue?: number | null;
  maxValue?: number | null;
  options?: string[];
}

/** The field under `.default()` / `.optional()` wrappers, and the first meta found on the way. */
function unwrap(field: ZodInternals): { inner: ZodInternals; meta: Partial<SettingsFieldMeta>; fallback: unknown } {
  let inner = field;
  let meta = (field.meta() ?? {}) as Partial<SettingsFieldMeta>;
  let fallback: unknown;
  while (['default', 'optional', 'nullable', 'prefault'].includes(inner._zod.def.type) && inner._zod.def.innerType) {
    if (inner._zod.def.type === 'default') fallback = inner._zod.def.defaultValue;
    inner = inner._zod.def.innerType;
    if (!meta.label) meta = { ...(inner.meta() ?? {}), ...meta } as Partial<SettingsFieldMeta>;
  }
  return { inner, meta, fallback };
}

function kindOf(inner: ZodInternals, fallback: unknown): SettingsFieldKind {
  switch (inner._zod.def.type) {
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'enum':
      return 'enum';
    case 'array':
      // A list of choices (e.g. payment methods): one checkbox each.
      return inner._zod.def.element?._zod.def.type === 'enum' ? 'multi' : 'text';
    default:
      return typeof fallback === 'string' && TIME_RE.test(fallback) ? 'time' : 'text';
  }
}

/** The form fields of a settings schema (a zod object); a field without a label is labelled by its key. */
export function settingsFields(schema: z.ZodType): SettingsField[] {
  const shape = (schema as unknown as ZodInternals)._zod.def.shape ?? {};
  return Object.entries(shape).map(([key, field]) => {
    const { inner, meta, fallback } = unwrap(field);
    const kind = kindOf(inner, fallback);
    const out: SettingsField = { key, kind, label: meta.label ?? { de: key, en: key }, default: fallback };
    if (meta.help) out.help = meta.help;
    if (kind === 'number') {
      if (Number.isFinite(inner.minValue)) out.min = inner.minValue as number;
      if (Number.isFinite(inner.maxValue)) out.max = inner.maxValue as number;
    }
    const choices = kind === 'enum' ? inner.options : kind === 'multi' ? inner._zod.def.element?.options : undefined;
    if (choices) out.options = choices.map((value) => ({ value, label: meta.options?.[value] ?? { de: value, en: value } }));
    return out;
  });
}

/**
 * Form input (strings from the browser, or JSON values) → typed settings, with a message key per
 * field for what cannot be read or is out of range (the form shows it in the panel's language, with
 * the field's bounds). An empty field takes the default.
 */
export function readSettingsForm(fields: SettingsField[], input: Record<string, unknown>, errors: FieldErrors, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const fail = (at: string, key: PanelMessage) => (errors[at] = key);
  for (const field of fields) {
    const raw = input[field.key];
    const at = `${prefix}.${field.key}`;
    if (field.kind === 'multi' && raw !== undefined) {
      // From the form an array (or nothing ticked: an empty one); from a client also "a,b".
      const values = (Array.isArray(raw) ? raw.map(String) : String(raw ?? '').split(',')).map((v) => v.trim()).filter(Boolean);
      if (values.every((v) => field.options?.some((o) => o.value === v))) out[field.key] = [...new Set(values)];
      else fail(at, 'settingsChoice');
      continue;
    }
    if (raw === undefined || raw === null || raw === '') continue;
    const text = String(raw).trim();
    switch (field.kind) {
      case 'number': {
        const value = typeof raw === 'number' ? raw : /^-?\d+$/.test(text) ? Number(text) : NaN;
        if (!Number.isInteger(value)) fail(at, 'settingsInteger');
        else if ((field.min !== undefined && value < field.min) || (field.max !== undefined && value > field.max)) fail(at, 'settingsOutOfRange');
        else out[field.key] = value;
        break;
      }
      case 'boolean':
        if (raw === true || text === 'true') out[field.key] = true;
        else if (raw === false || text === 'false') out[field.key] = false;
        else fail(at, 'settingsYesNo');
        break;
      case 'time':
        if (TIME_RE.test(text)) out[field.key] = text;
        else fail(at, 'settingsTime');
        break;
      case 'enum':
        if (field.options?.some((o) => o.value === text)) out[field.key] = text;
        else fail(at, 'settingsChoice');
        break;
      default:
        out[field.key] = text;
    }
  }
  return out;
}

/** A settings schema's own complaint (zod issue) as a message key: a number out of range, else "not allowed". */
export function settingsIssueMessage(issue: { code: string; origin?: string }): PanelMessage {
  return (issue.code === 'too_small' || issue.code === 'too_big') && issue.origin === 'number' ? 'settingsOutOfRange' : 'settingsInvalid';
}
