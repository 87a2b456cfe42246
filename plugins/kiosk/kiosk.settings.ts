import { z } from 'zod';

export const kioskSettingsSchema = z
  .object({
    /** Walk-in tickets a location hands out per day. */
    walkInDailyContingent: z.number().int().min(0).max(10_000).default(100),
    /** Minutes before the appointment from which check-in is accepted. */
    checkInEarlyMinutes: z
      .number()
      .int()
      .min(0)
      .max(24 * 60)
      .default(120),
    /** Tickets of appointment holders are called before walk-ins. */
    prioritiseAppointments: z.boolean().default(true),
  })
  .strict();
