import { z } from 'zod';

const minutes = (max: number) => z.number().int().min(0).max(max);

/** Tenant defaults; a location may override them (QueueLocationConfig in the panel). */
export const queueSettingsSchema = z
  .object({
    appointmentPrefix: z
      .string()
      .regex(/^[A-Z]{0,3}$/)
      .default('T')
      .meta({ label: { de: 'Präfix für Termine', en: 'Prefix for appointments' } }),
    walkInPrefix: z
      .string()
      .regex(/^[A-Z]{0,3}$/)
      .default('W')
      .meta({ label: { de: 'Präfix für Wartemarken', en: 'Prefix for walk-in tickets' } }),
    numberRangeStart: z
      .number()
      .int()
      .min(0)
      .max(9998)
      .default(1)
      .meta({ label: { de: 'Nummern ab', en: 'Numbers from' } }),
    numberRangeEnd: z
      .number()
      .int()
      .min(1)
      .max(9999)
      .default(999)
      .meta({ label: { de: 'Nummern bis', en: 'Numbers up to' } }),
    numberPadding: z
      .number()
      .int()
      .min(1)
      .max(4)
      .default(3)
      .meta({ label: { de: 'Stellen der Nummer', en: 'Digits of the number' } }),
    appointmentsFirst: z
      .boolean()
      .default(true)
      .meta({ label: { de: 'Termine vor Wartemarken aufrufen', en: 'Call appointments before walk-ins' } }),
    callableMinutesBeforeStart: minutes(120)
      .default(2)
      .meta({ label: { de: 'Termin aufrufbar ab … Minuten vor Beginn', en: 'Appointment callable … minutes before its start' } }),
    callEarlyArrivals: z
      .boolean()
      .default(true)
      .meta({ label: { de: 'Früh Angekommene vorziehen, wenn niemand fällig ist', en: 'Call early arrivals when nobody is due' } }),
    maxAppointmentsInRow: z
      .number()
      .int()
      .min(0)
      .max(50)
      .default(5)
      .meta({ label: { de: 'Nach … Terminen in Folge eine Wartemarke (0: aus)', en: 'A walk-in after … appointments in a row (0: off)' } }),
    walkInMaxWaitMinutes: minutes(480)
      .default(45)
      .meta({ label: { de: 'Wartemarke spätestens nach … Minuten (0: aus)', en: 'A walk-in at the latest after … minutes (0: off)' } }),
    callCountMax: z
      .number()
      .int()
      .min(1)
      .max(10)
      .default(3)
      .meta({ label: { de: 'Aufrufe bis „nicht erschienen“', en: 'Calls before no-show' } }),
    recallPauseSeconds: z
      .number()
      .int()
      .min(0)
      .max(600)
      .default(30)
      .meta({ label: { de: 'Erneuter Aufruf frühestens nach … Sekunden', en: 'Recall after … seconds at the earliest' } }),
    noShowGraceMinutes: minutes(240)
      .default(15)
      .meta({ label: { de: 'Nicht erschienen … Minuten nach Terminende', en: 'No-show … minutes after the appointment ends' } }),
    clerksMayCallSpecific: z
      .boolean()
      .default(false)
      .meta({ label: { de: 'Sachbearbeitung darf gezielt aufrufen', en: 'Clerks may call a specific ticket' } }),
  })
  .strict()
  .refine((s) => s.numberRangeStart < s.numberRangeEnd, { message: 'numberRangeStart must be below numberRangeEnd', path: ['numberRangeEnd'] });

export type QueueSettings = z.infer<typeof queueSettingsSchema>;

/** The settings a location may override (QueueLocationConfig's columns). */
export const LOCATION_OVERRIDES = [
  'appointmentPrefix',
  'walkInPrefix',
  'appointmentsFirst',
  'callableMinutesBeforeStart',
  'callEarlyArrivals',
  'maxAppointmentsInRow',
  'walkInMaxWaitMinutes',
  'callCountMax',
  'recallPauseSeconds',
] as const;
