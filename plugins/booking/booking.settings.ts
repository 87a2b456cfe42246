import { z } from 'zod';

export const bookingSettingsSchema = z
  .object({
    /** Minutes an unconfirmed booking holds its capacity (double opt-in). */
    holdMinutes: z.number().int().min(5).max(24 * 60).default(30),
    /** Most concerns (services) in one booking, as in the source articles. */
    maxServicesPerBooking: z.number().int().min(1).max(6).default(6),
    /** Most active appointments per email address and service. */
    maxActivePerEmailAndService: z.number().int().min(1).max(20).default(2),
    captcha: z.boolean().default(true),
    /** Booking attempts per IP and minute. */
    rateLimitPerMinute: z.number().int().min(1).max(10_000).default(20),
  })
  .strict();

export type BookingSettings = z.infer<typeof bookingSettingsSchema>;
