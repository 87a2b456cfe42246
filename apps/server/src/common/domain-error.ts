import { Logger } from '@nestjs/common';
import { Messages, type Locale } from '../web/i18n.js';
import { fromRoot } from './project-root.js';

/**
 * What kind of refusal a domain error is; the HTTP layer maps kinds to statuses in one place
 * (DomainErrorFilter), so services stay free of HTTP.
 */
export type DomainErrorKind = 'refused' | 'conflict' | 'limited';

const KINDS: readonly DomainErrorKind[] = ['refused', 'conflict', 'limited'];

/**
 * The codes one owner (the core or a plugin) declares: code → kind, and the message catalogue
 * (a folder with `de.json` and `en.json`) that holds each code's text under `errors.code.<CODE>`.
 */
export interface DomainErrorDeclaration<T extends Record<string, DomainErrorKind> = Record<string, DomainErrorKind>> {
  readonly codes: T;
  readonly messages: string;
}

/**
 * Declares an owner's codes. A plugin passes the result as `errors` of its definition and adds the
 * codes to `DomainErrorCodes` by declaration merging, so `new DomainError('…')` only compiles for a
 * declared code (see plugins/booking/booking.errors.ts and docs/plugins.md).
 */
export function defineErrors<const T extends Record<string, DomainErrorKind>>(codes: T, options: { messages: string }): DomainErrorDeclaration<T> {
  return { codes, messages: options.messages };
}

/**
 * The core's own codes; their texts are the page frame's (apps/server/src/web/portal/i18n).
 * Booking's and the Terminagent's codes are the plugins' (`<name>.errors.ts`). docs/errors.md lists all.
 */
export const CORE_ERRORS = defineErrors(
  {
    // Privacy consent for personal data (booking, wish).
    CONSENT_REQUIRED: 'refused',
    // Phone numbers of citizens (notifications/phone-number.ts).
    PHONE_INVALID: 'refused',
    PHONE_REQUIRED: 'refused',
    PHONE_NOT_MOBILE: 'refused',
    // SMS gateway delivery reports.
    SMS_REPORT_INVALID: 'refused',
    // Pairing of kiosks and call displays (devices/).
    DEVICE_CODE_INVALID: 'refused',
    DEVICE_CODE_UNKNOWN: 'refused',
    DEVICE_PAIR_LIMITED: 'limited',
  },
  { messages: fromRoot('apps/server/src/web/portal/i18n') },
);

type CoreErrorCodes = (typeof CORE_ERRORS)['codes'];

/**
 * Every declared code with its kind, as a type: the core's here; plugins add theirs by
 * declaration merging:
 *
 *   declare module '../../apps/server/src/common/domain-error.js' {
 *     interface DomainErrorCodes extends BookingErrorCodes {}
 *   }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DomainErrorCodes extends CoreErrorCodes {}

export type DomainErrorCode = keyof DomainErrorCodes & string;

/** An owner's declaration as the start-up sees it. */
export interface DomainErrorOwner {
  /** 'core' or the plugin's name. */
  owner: string;
  errors?: DomainErrorDeclaration;
}

interface Declared {
  owner: string;
  kind: DomainErrorKind;
  messages: string;
}

const CORE_OWNER: DomainErrorOwner = { owner: 'core', errors: CORE_ERRORS };

/**
 * Every code of the core and the given owners (the loaded plugins), checked: a code is declared by
 * one owner only, looks like `UPPER_SNAKE` and has a known kind. Throws naming the code and the owners.
 */
export function collectDomainErrors(owners: DomainErrorOwner[]): Map<string, Declared> {
  const table = new Map<string, Declared>();
  for (const { owner, errors } of [CORE_OWNER, ...owners]) {
    for (const [code, kind] of Object.entries(errors?.codes ?? {})) {
      const earlier = table.get(code);
      if (earlier)
        throw new Error(
          `Domain error code '${code}' is declared by both '${earlier.owner}' and '${owner}': each code belongs to one owner (the core or one plugin)`,
        );
      if (!/^[A-Z][A-Z0-9_]*$/.test(code)) throw new Error(`Domain error code '${code}' of '${owner}' is not UPPER_SNAKE_CASE`);
      if (!KINDS.includes(kind))
        throw new Error(`Domain error code '${code}' of '${owner}' has the unknown kind '${String(kind)}' (known: ${KINDS.join(', ')})`);
      table.set(code, { owner, kind, messages: errors!.messages });
    }
  }
  return table;
}

/** The codes of this process: the core's, plus those of the plugins the application loaded. */
const declared = collectDomainErrors([]);
const logger = new Logger('DomainError');

/**
 * At start (PluginHostService): adds the loaded plugins' codes. A code declared twice stops the
 * start. Several applications in one process (tests) add to the same table; the same plugin may
 * come again, but no two owners may share a code.
 */
export function installDomainErrors(owners: DomainErrorOwner[]): void {
  const table = collectDomainErrors(owners);
  for (const [code, entry] of table) {
    const earlier = declared.get(code);
    if (earlier && earlier.owner !== entry.owner) {
      throw new Error(
        `Domain error code '${code}' is declared by both '${earlier.owner}' and '${entry.owner}': each code belongs to one owner (the core or one plugin)`,
      );
    }
  }
  for (const [code, entry] of table) declared.set(code, entry);
}

/** The kind of a code, or undefined when neither the core nor a loaded plugin declares it. */
export function domainErrorKind(code: string): DomainErrorKind | undefined {
  return declared.get(code)?.kind;
}

/** Which owner declared a code ('core' or a plugin's name), or undefined. */
export function domainErrorOwner(code: string): string | undefined {
  return declared.get(code)?.owner;
}

const catalogues = new Map<string, Messages>();

/**
 * The citizen's text of a code (`errors.code.<CODE>` in its owner's catalogue), or null when the
 * code is not declared or has no text in that language; both are logged, and the caller shows
 * the generic text of the status instead.
 */
export function domainErrorMessage(code: string, locale: Locale): string | null {
  const entry = declared.get(code);
  if (!entry) {
    logger.error(`Domain error code '${code}' is declared by neither the core nor a loaded plugin; showing the generic text`);
    return null;
  }
  try {
    let messages = catalogues.get(entry.messages);
    if (!messages) catalogues.set(entry.messages, (messages = new Messages(entry.messages)));
    return messages.translator(locale)(`errors.code.${code}`);
  } catch (err) {
    logger.error(`No ${locale} text for domain error code '${code}' of '${entry.owner}' (${(err as Error).message}); showing the generic text`);
    return null;
  }
}

/**
 * A refusal with a meaning: a code for machines and the portal, an English message for API
 * clients (the same texts the API always gave).
 */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  /** The code's declared kind; an undeclared code (a bug, logged by the filters) counts as a refusal. */
  get kind(): DomainErrorKind {
    return domainErrorKind(this.code) ?? 'refused';
  }
}
