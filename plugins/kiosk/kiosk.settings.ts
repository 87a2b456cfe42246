import { z } from 'zod';

export const kioskSettingsSchema = z
  .object({
    /** Walk-in tickets a location hands out per day. */
    walkInDailyContingent: z
      .number()
      .int()
      .min(0)
      .max(10_000)
      .default(100)
      .meta({ label: { de: 'Wartemarken je Standort und Tag', en: 'Walk-in tickets per location and day' } }),
    /** Minutes before the appointment from which check-in is accepted. */
    checkInEarlyMinutes: z
      .number()
      .int()
      .min(0)
      .max(24 * 60)
      .default(120)
      .meta({ label: { de: 'Check-in frühestens (Minuten vor dem Termin)', en: 'Check-in at the earliest (minutes before)' } }),
    /** Tickets of appointment holders are called before walk-ins. */
    prioritiseAppointments: z
      .boolean()
      .default(true)
      .meta({ label: { de: 'Termine vor Wartemarken aufrufen', en: 'Call appointments before walk-ins' } }),
  })
  .strict();
