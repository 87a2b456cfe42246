import { z } from 'zod';

export const terminagentSettingsSchema = z
  .object({
    /** Hours a citizen has to accept a proposal (Düsseldorf: two days). */
    acceptHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 14)
      .default(48),
    /** Proposals per offer mail. */
    proposalsPerOffer: z.number().int().min(1).max(5).default(1),
    /** Days a wish waits before it lapses. */
    wishLifetimeDays: z.number().int().min(1).max(365).default(60),
    /** Minutes between matching runs for capacity still free. */
    matchEveryMinutes: z.number().int().min(1).max(1440).default(5),
    /** After a decline or expiry: the wish closes, or goes back into the queue keeping its place. */
    afterDecline: z.enum(['close', 'requeue']).default('close'),
  })
  .strict();

export type TerminagentSettings = z.infer<typeof terminagentSettingsSchema>;
