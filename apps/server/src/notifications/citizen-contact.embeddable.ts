import { Column } from 'typeorm';
import type { NotificationLocale } from './notification.types.js';

/**
 * How to reach a citizen, shared by bookings and the Terminagent's wishes: embedded with
 * `prefix: false`, so each property keeps the column name the entities always had and no data moves.
 * Personal data: the owners purge it with their retention (name emptied, the rest cleared).
 */
export class CitizenContact {
  @Column({ name: 'citizenName', type: 'varchar', length: 200 })
  name!: string;

  @Column({ name: 'citizenEmail', type: 'varchar', length: 254, nullable: true })
  email!: string | null;

  /** E.164 (normalised at input, see phone-number.ts). */
  @Column({ name: 'citizenPhone', type: 'varchar', length: 50, nullable: true })
  phone!: string | null;

  /** The language of the pages, mails and SMS this citizen gets. */
  @Column({ name: 'locale', type: 'varchar', length: 2 })
  locale!: NotificationLocale;

  /** The citizen asked for messages by SMS too (to `phone`). */
  @Column({ name: 'citizenSmsConsent', type: 'boolean', default: false })
  smsConsent!: boolean;
}

/** The contact with its personal data removed (retention); the locale is not personal. */
export const PURGED_CONTACT = { name: '', email: null, phone: null, smsConsent: false } as const;
