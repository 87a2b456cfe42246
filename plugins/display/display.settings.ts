import { z } from 'zod';

export const displaySettingsSchema = z
  .object({
    /** How many recent calls the monitor lists. */
    recentCalls: z.number().int().min(1).max(20).default(6),
    /** Seconds between device polls. */
    pollSeconds: z.number().int().min(1).max(60).default(3),
    /** Play a gong on a new call. */
    gong: z.boolean().default(true),
  })
  .strict();
