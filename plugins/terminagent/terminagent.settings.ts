import { z } from 'zod';

export const terminagentSettingsSchema = z
  .object({
    /** Hours a citizen has to accept a proposal (Düsseldorf: two days). */
    acceptHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 14)
      .default(48)
      .meta({ label: { de: 'Annahmefrist für Angebote (Stunden)', en: 'Time to accept an offer (hours)' } }),
    /** Proposals per offer mail. */
    proposalsPerOffer: z
      .number()
      .int()
      .min(1)
      .max(5)
      .default(1)
      .meta({ label: { de: 'Terminvorschläge je Angebot', en: 'Proposals per offer' } }),
    /** Days a wish waits before it lapses. */
    wishLifetimeDays: z
      .number()
      .int()
      .min(1)
      .max(365)
      .default(60)
      .meta({
        label: { de: 'Gültigkeit eines Terminwunsches (Tage)', en: 'Lifetime of a wish (days)' },
        help: { de: 'Danach verfällt der Wunsch.', en: 'After this the wish lapses.' },
      }),
    /** Minutes between matching runs for capacity still free. */
    matchEveryMinutes: z
      .number()
      .int()
      .min(1)
      .max(1440)
      .default(5)
      .meta({
        label: { de: 'Abgleich alle … Minuten', en: 'Match every … minutes' },
        help: { de: 'Wie oft freie Termine mit der Warteliste abgeglichen werden.', en: 'How often free slots are matched against the waitlist.' },
      }),
    /** After a decline or expiry: the wish closes, or goes back into the queue keeping its place. */
    afterDecline: z
      .enum(['close', 'requeue'])
      .default('close')
      .meta({
        label: { de: 'Nach Ablehnung oder Fristablauf', en: 'After a decline or expiry' },
        options: {
          close: { de: 'Wunsch schließen', en: 'Close the wish' },
          requeue: { de: 'Zurück in die Warteliste (Platz bleibt)', en: 'Back into the queue (keeps its place)' },
        },
      }),
  })
  .strict();

export type TerminagentSettings = z.infer<typeof terminagentSettingsSchema>;
