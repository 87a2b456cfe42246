import { z } from 'zod';

const schema = z.object({
  ADMIN_EMAIL: z.email({ message: 'must be an email address' }).optional(),
  ADMIN_PASSWORD: z.string().optional(),
});

export type AdminEnv = z.infer<typeof schema>;

/** The optional first super-admin's credentials (read only on an empty database). */
export function loadAdminEnv(source: NodeJS.ProcessEnv = process.env): AdminEnv {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([k, v]) => k.startsWith('ADMIN_') && v));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid environment configuration:\n  ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}
