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
      .default(30)
      .meta({
        label: { de: 'Reservierung ohne Bestätigung (Minuten)', en: 'Hold without confirmation (minutes)' },
        help: {
          de: 'So lange hält eine noch nicht per E-Mail bestätigte Buchung ihren Termin.',
          en: 'How long a booking not yet confirmed by email holds its slot.',
        },
      }),
    /** Most services in one booking, as in the source articles. */
    maxServicesPerBooking: z
      .number()
      .int()
      .min(1)
      .max(6)
      .default(6)
      .meta({
        label: { de: 'Anliegen je Buchung (höchstens)', en: 'Concerns per booking (max.)' },
        help: { de: 'Wie viele Dienstleistungen eine Buchung umfassen darf.', en: 'How many services one booking may include.' },
      }),
    /** Most active appointments per email address and service. */
    maxActivePerEmailAndService: z
      .number()
      .int()
      .min(1)
      .max(20)
      .default(2)
      .meta({
        label: { de: 'Termine je E-Mail-Adresse und Dienstleistung', en: 'Appointments per email and service' },
        help: { de: 'Höchstzahl offener Termine einer Person für dieselbe Dienstleistung.', en: 'Most open appointments of one person for the same service.' },
      }),
    /** Most unconfirmed bookings (live holds) per mailbox (plus-tags and Gmail dots folded). */
    maxPendingPerEmail: z
      .number()
      .int()
      .min(1)
      .max(20)
      .default(2)
      .meta({
        label: { de: 'Unbestätigte Buchungen je E-Mail-Adresse', en: 'Unconfirmed bookings per email' },
        help: { de: 'Schutz gegen das Blockieren von Terminen.', en: 'Protection against blocking slots.' },
      }),
    /** Most unconfirmed bookings (live holds) per client address (IPv6: per /64), with bot protection on. */
    maxPendingPerAddress: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(3)
      .meta({
        label: { de: 'Unbestätigte Buchungen je Internetanschluss', en: 'Unconfirmed bookings per network address' },
        help: { de: 'Gilt, solange der Bot-Schutz eingeschaltet ist.', en: 'Applies while bot protection is on.' },
      }),
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
        options: PAYMENT_LABELS,
        help: {
          de: 'Wird mit der Gebührensumme in der Übersicht und der Terminbestätigung genannt. Leer: keine Angabe.',
          en: 'Named with the total fee in the summary and the confirmation. Empty: not mentioned.',
        },
      }),
    captcha: z
      .boolean()
      .default(true)
      .meta({
        label: { de: 'Bot-Schutz (Rechenaufgabe im Browser)', en: 'Bot protection (proof of work in the browser)' },
        help: { de: 'Ohne Bilderrätsel und ohne fremde Dienste.', en: 'No picture puzzles, no third-party services.' },
      }),
    /** Proof-of-work difficulty: the ALTCHA maxNumber (a solver needs half of it on average). */
    captchaDifficulty: z
      .number()
      .int()
      .min(1_000)
      .max(10_000_000)
      .default(100_000)
      .meta({
        label: { de: 'Schwierigkeit des Bot-Schutzes', en: 'Bot protection difficulty' },
        help: { de: 'Höher heißt länger rechnen; 100000 ≈ eine Sekunde.', en: 'Higher means longer work; 100000 ≈ one second.' },
      }),
    /** While more unconfirmed bookings than this are held in the tenant, the difficulty rises… */
    rushPendingThreshold: z
      .number()
      .int()
      .min(0)
      .max(1_000_000)
      .default(100)
      .meta({
        label: { de: 'Ansturm ab unbestätigten Buchungen', en: 'Rush from unconfirmed bookings' },
        help: {
          de: 'Ab so vielen gleichzeitig unbestätigten Buchungen wird der Bot-Schutz schwerer.',
          en: 'From this many unconfirmed bookings at once the bot protection gets harder.',
        },
      }),
    /** …by this factor. */
    rushDifficultyFactor: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(10)
      .meta({
        label: { de: 'Schwierigkeit bei Ansturm (Faktor)', en: 'Difficulty during a rush (factor)' },
        help: { de: 'Um diesen Faktor steigt die Schwierigkeit bei Ansturm.', en: 'The difficulty rises by this factor during a rush.' },
      }),
    /** Booking attempts per IP and minute. */
    rateLimitPerMinute: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(20)
      .meta({ label: { de: 'Buchungsversuche je Minute und Anschluss', en: 'Booking attempts per minute and address' } }),
    /** Reminders go this many days before the appointment's day (0: no reminders)… */
    reminderDaysBefore: z
      .number()
      .int()
      .min(0)
      .max(7)
      .default(1)
      .meta({
        label: { de: 'Erinnerung (Tage vorher)', en: 'Reminder (days before)' },
        help: { de: '0 schaltet Erinnerungen aus.', en: '0 turns reminders off.' },
      }),
    /** …at this tenant-local time: by default the evening before, 17:00. */
    reminderAt: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time HH:MM, e.g. 17:00')
      .default('17:00')
      .meta({
        label: { de: 'Uhrzeit der Erinnerung', en: 'Reminder time' },
        help: { de: 'Ortszeit der Kommune, z. B. 17:00.', en: 'Local time of the municipality, e.g. 17:00.' },
      }),
    /** The staff calendar feeds (ICS) show the citizen's name beside reference and services. Off: no names. */
    calendarFeedNames: z
      .boolean()
      .default(false)
      .meta({
        label: { de: 'Namen im Kalender-Abo', en: 'Names in the calendar feed' },
        help: {
          de: 'Zeigt im Kalender-Abo (ICS) der Mitarbeitenden den Namen neben Vorgangsnummer und Leistungen.',
          en: "Shows the citizen's name beside reference and services in the staff calendar feeds (ICS).",
        },
      }),
  })
  .strict();

export type BookingSettings = z.infer<typeof bookingSettingsSchema>;
