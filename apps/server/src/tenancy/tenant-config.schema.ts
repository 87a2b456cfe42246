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
  })
  .strict();

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
