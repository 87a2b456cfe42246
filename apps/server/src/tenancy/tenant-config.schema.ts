import { z } from 'zod';
import { normalizeHost } from '../security/host-name.js';

export const BUNDESLAENDER = ['BB', 'BE', 'BW', 'BY', 'HB', 'HE', 'HH', 'MV', 'NI', 'NW', 'RP', 'SH', 'SL', 'SN', 'ST', 'TH'] as const;

/** First path segments the server uses itself; a tenant may not take them. */
export const RESERVED_SLUGS = new Set([
  'admin',
  'api',
  'health',
  'assets',
  'static',
  'docs',
  'public',
  'login',
  'logout',
  'favicon.ico',
  'robots.txt',
  'metrics',
  'www',
]);

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time HH:MM');
const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'expected a colour like #004b87');
/** A domain the tenant is reached on; stored in the canonical spelling (lower-case, punycode, no port). */
const hostname = z.string().transform((value, ctx) => {
  const name = normalizeHost(value);
  if (!name || name.startsWith('[')) {
    ctx.addIssue({ code: 'custom', message: 'expected a host name such as termine.musterstadt.de' });
    return z.NEVER;
  }
  return name;
});

export const brandingSchema = z
  .object({
    primaryColor: color.default('#004b87'),
    accentColor: color.default('#ffcc00'),
    logo: z.string().optional(),
    imprintUrl: z.url().optional(),
    privacyUrl: z.url().optional(),
    accessibilityUrl: z.url().optional(),
    contactEmail: z.email().optional(),
    contactPhone: z.string().optional(),
  })
  .strict();
export type TenantBranding = z.infer<typeof brandingSchema>;

export const tenantSettingsSchema = z
  .object({
    /** Days after an appointment or a wish ends until personal data is deleted. */
    retentionDays: z.number().int().min(1).max(365).default(7),
    /** The name every mail of the town is sent under; the tenant's name when unset. */
    mailFromName: z
      .string()
      .trim()
      .min(2)
      .max(100)
      .optional()
      .meta({
        label: { de: 'Absendername der E-Mails', en: 'Sender name of mails' },
        help: { de: 'Zum Beispiel „Stadt Musterstadt“. Leer: der Name der Kommune.', en: 'For example “Stadt Musterstadt”. Empty: the municipality’s name.' },
      }),
    /** The sender address; the server's (MAIL_FROM) when unset. The mail server must be allowed to send for its domain (SPF, DKIM). */
    mailFromAddress: z
      .email()
      .optional()
      .meta({
        label: { de: 'Absenderadresse der E-Mails', en: 'Sender address of mails' },
        help: {
          de: 'Nur eine Adresse, für die der Mailserver senden darf (SPF, DKIM). Leer: die Adresse des Servers.',
          en: 'Only an address the mail server may send for (SPF, DKIM). Empty: the server’s address.',
        },
      }),
    /** Where answers to a mail go; the contact address of the branding when unset. */
    mailReplyTo: z
      .email()
      .optional()
      .meta({
        label: { de: 'Antwortadresse (Reply-To)', en: 'Reply-to address' },
        help: { de: 'Leer: die Kontaktadresse der Kommune.', en: 'Empty: the municipality’s contact address.' },
      }),
    /**
     * A map link for each location: a URL with `{address}` (the location's address, URL-encoded),
     * e.g. the town's own map. OpenStreetMap's search when unset. A plain link; no map is embedded.
     */
    mapUrl: z
      .string()
      .regex(/^https:\/\/[^\s]*\{address\}[^\s]*$/, 'expected an https URL containing {address}')
      .optional()
      .meta({
        label: { de: 'Kartenlink der Standorte', en: 'Map link of locations' },
        help: {
          de: 'Eine https-Adresse mit {address} als Platzhalter für die Anschrift. Leer: OpenStreetMap.',
          en: 'An https URL with {address} as the placeholder of the address. Empty: OpenStreetMap.',
        },
      }),
  })
  .strict();

export type TenantSettings = z.infer<typeof tenantSettingsSchema>;

export const tenantConfigSchema = z
  .object({
    name: z.string().min(2),
    timeZone: z.string().default('Europe/Berlin').refine(isValidTimeZone, 'unknown IANA time zone'),
    state: z.enum(BUNDESLAENDER, { message: `expected a Bundesland code: ${BUNDESLAENDER.join(', ')}` }),
    locale: z.enum(['de', 'en']).default('de'),
    domains: z.array(hostname).default([]),
    branding: brandingSchema.default(() => brandingSchema.parse({})),
    settings: tenantSettingsSchema.default(() => tenantSettingsSchema.parse({})),
    plugins: z
      .record(z.string(), z.object({ enabled: z.boolean().default(true), settings: z.record(z.string(), z.unknown()).default({}) }).strict())
      .default({}),
  })
  .strict();

export type TenantConfig = z.infer<typeof tenantConfigSchema>;

export const slugSchema = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'a slug is lower-case letters, digits and dashes')
  .refine((s) => !RESERVED_SLUGS.has(s), 'this slug is reserved by the server');

function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export { hhmm };
