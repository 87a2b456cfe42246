import { z } from 'zod';

export const bookingSettingsSchema = z
  .object({
    /** Minutes an unconfirmed booking holds its capacity (double opt-in). */
    holdMinutes: z
      .number()
      .int()
      .min(5)
      .max(24 * 60)
      .default(30),
    /** Most concerns (services) in one booking, as in the source articles. */
    maxServicesPerBooking: z.number().int().min(1).max(6).default(6),
    /** Most active appointments per email address and service. */
    maxActivePerEmailAndService: z.number().int().min(1).max(20).default(2),
    /** Most unconfirmed bookings (live holds) per mailbox (plus-tags and Gmail dots folded). */
    maxPendingPerEmail: z.number().int().min(1).max(20).default(2),
    /** Most unconfirmed bookings (live holds) per client address (IPv6: per /64), with bot protection on. */
    maxPendingPerAddress: z.number().int().min(1).max(100).default(3),
    captcha: z.boolean().default(true),
    /** Proof-of-work difficulty: the ALTCHA maxNumber (a solver needs half of it on average). */
    captchaDifficulty: z.number().int().min(1_000).max(10_000_000).default(100_000),
    /** While more unconfirmed bookings than this are held in the tenant, the difficulty rises… */
    rushPendingThreshold: z.number().int().min(0).max(1_000_000).default(100),
    /** …by this factor. */
    rushDifficultyFactor: z.number().int().min(1).max(100).default(10),
    /** Booking attempts per IP and minute. */
    rateLimitPerMinute: z.number().int().min(1).max(10_000).default(20),
    /** Reminders go this many days before the appointment's day (0: no reminders)… */
    reminderDaysBefore: z.number().int().min(0).max(7).default(1),
    /** …at this tenant-local time: by default the evening before, 17:00. */
    reminderAt: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time HH:MM, e.g. 17:00')
      .default('17:00'),
    /** The staff calendar feeds (ICS) show the citizen's name beside reference and services. Off: no names. */
    calendarFeedNames: z.boolean().default(false),
  })
  .strict();

export type BookingSettings = z.infer<typeof bookingSettingsSchema>;
