import { z } from 'zod';

/** Payment methods a tenant can name (their labels: PAYMENT_LABELS). */
export const PAYMENT_METHODS = ['cash', 'girocard', 'creditCard', 'mobile'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** How each method is named to the citizen (mails and pages). */
export const PAYMENT_LABELS: Record<PaymentMethod, { de: string; en: string }> = {
  cash: { de: 'Bargeld', en: 'cash' },
  girocard: { de: 'Girocard (EC-Karte)', en: 'girocard (debit card)' },
  creditCard: { de: 'Kreditkarte', en: 'credit card' },
  mobile: { de: 'mobiles Bezahlen (Smartphone)', en: 'mobile payment (smartphone)' },
};

export const bookingSettingsSchema = z
  .object({
    /** Minutes an unconfirmed booking holds its capacity (double opt-in). */
    holdMinutes: z
      .number()
      .int()
      .min(5)
      .max(24 * 60)
      .default(30),
    /** Most services in one booking, as in the source articles. */
    maxServicesPerBooking: z.number().int().min(1).max(6).default(6),
    /** Most active appointments per email address and service. */
    maxActivePerEmailAndService: z.number().int().min(1).max(20).default(2),
    /** Most unconfirmed bookings (live holds) per mailbox (plus-tags and Gmail dots folded). */
    maxPendingPerEmail: z.number().int().min(1).max(20).default(2),
    /** Most unconfirmed bookings (live holds) per client address (IPv6: per /64), with bot protection on. */
    maxPendingPerAddress: z.number().int().min(1).max(100).default(3),
    /** Minutes between now and the earliest start an online booking may take (the citizen's way there; the staff's notice). */
    minLeadMinutes: z
      .number()
      .int()
      .min(0)
      .max(24 * 60)
      .default(0)
      .meta({
        label: { de: 'Mindestvorlauf online (Minuten)', en: 'Minimum online lead time (minutes)' },
        help: {
          de: 'So viele Minuten nach jetzt beginnt frühestens ein online buchbarer Termin, z. B. 60. Telefon und Terminal sind nicht betroffen.',
          en: 'The earliest online start is this many minutes from now, e.g. 60. Phone and kiosk bookings are not affected.',
        },
      }),
    /** How fees can be paid at the counter; shown with the total fee in the summary and the confirmation. */
    paymentMethods: z
      .array(z.enum(PAYMENT_METHODS))
      .max(PAYMENT_METHODS.length)
      .default([])
      .meta({
        label: { de: 'Akzeptierte Zahlungsarten', en: 'Accepted payment methods' },
        help: {
          de: 'Wird mit der Gebührensumme in der Übersicht und der Terminbestätigung genannt. Leer: keine Angabe.',
          en: 'Named with the total fee in the summary and the confirmation. Empty: not mentioned.',
        },
      }),
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
