import { Column, Entity, Index } from 'typeorm';
import { CitizenContact } from '../../../apps/server/src/notifications/citizen-contact.embeddable.js';
import { TenantOwnedEntity } from '../../../apps/server/src/tenancy/tenant-owned.entity.js';

/**
 * unconfirmed → waiting (email confirmed; in the queue) ⇄ offered (an offer is open) → booked,
 * or ends as withdrawn / expired (lifetime over) / closed (declined or let an offer lapse).
 */
export type WishStatus = 'unconfirmed' | 'waiting' | 'offered' | 'booked' | 'withdrawn' | 'expired' | 'closed';
/** Limits that keep a wish's matching data inside one index entry. */
export const MAX_LOCATIONS = 10;
export const MAX_WINDOWS = 14;

const json = { to: (v: unknown) => (v == null ? v : JSON.stringify(v)), from: (v: string | null) => (v == null ? v : JSON.parse(v)) };

export const OPEN_WISH: WishStatus[] = ['unconfirmed', 'waiting', 'offered'];

export interface WishedService {
  serviceId: string;
  quantity: number;
}

/** A preferred weekday (ISO 1 = Monday … 7) with a tenant-local time window 'HH:MM'–'HH:MM'. */
export interface WishWindow {
  weekday: number;
  from: string;
  to: string;
}

/** A Terminwunsch: what the citizen needs, where and when it would suit, and how to reach them. */
@Entity('terminagent_wish')
// The matching run reads waiting wishes in queue order from this index alone (it covers every
// column the matcher needs), so 300,000 wishes are a sequential read, not 300,000 row lookups.
@Index(['tenantId', 'status', 'queuedMs', 'id', 'minutes', 'earliestDate', 'latestDate', 'locationIds', 'windows'])
// "Registering again does not help": one open wish per email address and set of services.
@Index(['tenantId', 'openKey'], { unique: true })
@Index(['tenantId', 'dedupeKey'])
@Index(['tenantId', 'status', 'expiresAt'])
// The figures and the privacy task look wishes up by these instants.
@Index(['tenantId', 'registeredAt'])
@Index(['tenantId', 'firstOfferedMs'])
@Index(['tenantId', 'endedAt'])
export class TerminagentWish extends TenantOwnedEntity {
  @Column({ type: 'varchar', length: 12 })
  status!: WishStatus;

  /** Secret of the citizen's links (confirm, status, withdraw). */
  @Column({ type: 'varchar', length: 64 })
  token!: string;

  /** Name, email, phone (E.164), locale and SMS consent: columns citizenName, citizenEmail, citizenPhone, locale, citizenSmsConsent. */
  @Column(() => CitizenContact, { prefix: false })
  citizen!: CitizenContact;

  @Column({ type: 'simple-json' })
  services!: WishedService[];

  /** Total duration of the services with their quantities. */
  @Column({ type: 'int' })
  minutes!: number;

  /** Acceptable locations, in the citizen's order (JSON; short and ASCII to fit the queue index). */
  @Column({ type: 'varchar', length: MAX_LOCATIONS * 39 + 2, charset: 'ascii', transformer: json })
  locationIds!: string[];

  @Column({ type: 'varchar', length: MAX_WINDOWS * 43 + 2, charset: 'ascii', transformer: json })
  windows!: WishWindow[];

  /** Tenant-local dates, inclusive. */
  @Column({ type: 'varchar', length: 10 })
  earliestDate!: string;

  @Column({ type: 'varchar', length: 10 })
  latestDate!: string;

  /**
   * sha256(email | sorted service ids) while the wish is confirmed and open, null otherwise; the
   * unique index makes a second open wish impossible even when two confirmations race.
   */
  @Column({ type: 'varchar', length: 64, nullable: true })
  openKey!: string | null;

  /** Same hash, kept while unconfirmed, to refuse a duplicate before any mail is sent. */
  @Column({ type: 'varchar', length: 64 })
  dedupeKey!: string;

  /** Place in the queue: the confirmation instant in epoch ms (ties broken by id). */
  @Column({ type: 'bigint', nullable: true, transformer: { to: (v: number | null) => v, from: (v: string | number | null) => (v == null ? null : Number(v)) } })
  queuedMs!: number | null;

  /** Epoch ms of the first proposal, for the median wait in the figures. */
  @Column({ type: 'bigint', nullable: true, transformer: { to: (v: number | null) => v, from: (v: string | number | null) => (v == null ? null : Number(v)) } })
  firstOfferedMs!: number | null;

  /** When the citizen registered (from the application clock, like every instant rules use). */
  @Column({ type: 'datetime' })
  registeredAt!: Date;

  @Column({ type: 'datetime' })
  expiresAt!: Date;

  @Column({ type: 'datetime', nullable: true })
  endedAt!: Date | null;

  /** Set when personal data was removed after the wish ended. */
  @Column({ type: 'datetime', nullable: true })
  anonymizedAt!: Date | null;
}
