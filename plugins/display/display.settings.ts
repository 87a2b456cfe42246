import { z } from 'zod';

export const displaySettingsSchema = z
  .object({
    /** How many recent calls the monitor lists. */
    recentCalls: z
      .number()
      .int()
      .min(1)
      .max(20)
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
    /** Play a gong on a new call. */
    gong: z
      .boolean()
      .default(true)
      .meta({ label: { de: 'Gong bei neuem Aufruf', en: 'Gong on a new call' } }),
  })
  .strict();
