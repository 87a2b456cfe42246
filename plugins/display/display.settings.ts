import { z } from 'zod';
import { DISPLAY_MAX_CALLS } from '../queue/queue.api.js';

export const displaySettingsSchema = z
  .object({
    /** How many recent calls the monitor lists (a device may show fewer or more: its `rows`). */
    recentCalls: z
      .number()
      .int()
      .min(1)
      .max(DISPLAY_MAX_CALLS)
      .default(6)
      .meta({ label: { de: 'Angezeigte letzte Aufrufe', en: 'Recent calls shown' } }),
    /** Seconds between device polls. */
    pollSeconds: z
      .number()
      .int()
      .min(1)
      .max(60)
      .default(3)
      .meta({ label: { de: 'Aktualisierung alle … Sekunden', en: 'Refresh every … seconds' } }),
    /** Play a gong on a new call (a device can switch its own off). */
    gong: z
      .boolean()
      .default(true)
      .meta({ label: { de: 'Gong bei neuem Aufruf', en: 'Gong on a new call' } }),
    /** Seconds each configured language stays on screen before the labels switch. */
    languageSeconds: z
      .number()
      .int()
      .min(3)
      .max(120)
      .default(10)
      .meta({ label: { de: 'Sprachwechsel alle … Sekunden', en: 'Switch language every … seconds' } }),
  })
  .strict();

export type DisplaySettings = z.infer<typeof displaySettingsSchema>;

export const DISPLAY_LANGUAGES = ['de', 'en'] as const;
export type DisplayLanguage = (typeof DISPLAY_LANGUAGES)[number];

/** Per display device (the panel's device form renders these fields from their meta). */
export const displayDeviceConfigSchema = z
  .object({
    layout: z
      .enum(['landscape', 'portrait'])
      .default('landscape')
      .meta({
        label: { de: 'Ausrichtung des Bildschirms', en: 'Screen orientation' },
        options: { landscape: { de: 'Querformat', en: 'Landscape' }, portrait: { de: 'Hochformat', en: 'Portrait' } },
      }),
    rows: z
      .number()
      .int()
      .min(1)
      .max(DISPLAY_MAX_CALLS)
      .optional()
      .meta({
        label: { de: 'Angezeigte Aufrufe', en: 'Calls shown' },
        help: { de: 'Leer: Vorgabe der Kommune', en: 'Empty: the municipality’s default' },
      }),
    languages: z
      .array(z.enum(DISPLAY_LANGUAGES))
      .min(1)
      .default(['de', 'en'])
      .meta({
        label: { de: 'Sprachen (abwechselnd)', en: 'Languages (alternating)' },
        options: { de: { de: 'Deutsch', en: 'German' }, en: { de: 'Englisch', en: 'English' } },
      }),
    notice: z
      .string()
      .trim()
      .max(140)
      .default('')
      .meta({ label: { de: 'Hinweiszeile', en: 'Notice line' }, help: { de: 'Höchstens 140 Zeichen', en: 'At most 140 characters' } }),
    gong: z
      .boolean()
      .default(true)
      .meta({ label: { de: 'Gong an diesem Gerät', en: 'Gong on this device' } }),
  })
  .strict();

export type DisplayDeviceConfig = z.infer<typeof displayDeviceConfigSchema>;
