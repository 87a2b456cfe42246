import { randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';

/** bcrypt cost: about a quarter second per check on a small server, which slows guessing down. */
export const BCRYPT_ROUNDS = 12;
export const MIN_PASSWORD_LENGTH = 12;

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, BCRYPT_ROUNDS);
}

// A valid hash (cost 12, of a random secret nobody knows) to compare against when the account does
// not exist, so both cases take as long. Written out: hashing it at start-up blocked the start for 0.3 s.
const DUMMY_HASH = '$2b$12$RkLHaU3FWpj30F2oFMqrsOnF30fJa4yQmm.ebEaA244BysrMH3m5y';

export function verifyPassword(password: string, hash: string | null): Promise<boolean> {
  return bcrypt.compare(password, hash ?? DUMMY_HASH).then((ok) => ok && hash !== null);
}

/** Why a password is too weak, or null; bilingual because the CLI and the panel both show it. */
export function passwordProblem(password: string, email = ''): { de: string; en: string } | null {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return {
      de: `Das Passwort muss mindestens ${MIN_PASSWORD_LENGTH} Zeichen lang sein.`,
      en: `the password must be at least ${MIN_PASSWORD_LENGTH} characters long`,
    };
  }
  if (password.length > 72) {
    // bcrypt ignores everything after 72 bytes.
    return { de: 'Das Passwort darf höchstens 72 Zeichen lang sein.', en: 'the password must be at most 72 characters long' };
  }
  const local = email.split('@')[0]?.toLowerCase();
  if (new Set(password).size < 5 || (local && local.length >= 4 && password.toLowerCase().includes(local))) {
    return {
      de: 'Das Passwort ist zu leicht zu erraten (zu wenige verschiedene Zeichen oder enthält die E-Mail-Adresse).',
      en: 'the password is too easy to guess (too few different characters, or it contains the email address)',
    };
  }
  return null;
}

/** A random password for generated accounts (about 120 bits). */
export function generatePassword(): string {
  return randomBytes(15).toString('base64url');
}
