import { Column, Entity, Index } from 'typeorm';
import { CitizenContact } from '../../../apps/server/src/notifications/citizen-contact.embeddable.js';
import { TenantOwnedEntity } from '../../../apps/server/src/tenancy/tenant-owned.entity.js';

export type BookingStatus = 'pending' | 'confirmed' | 'cancelled' | 'expired';
export type BookingChannel = 'online' | 'phone' | 'kiosk' | 'agent';
/** Whether the citizen came (recorded by the queue through BookingAttendanceService); null: not yet known. */
export type Attendance = 'checked-in' | 'no-show' | 'served';

export interface BookedService {
  serviceId: string;
  quantity: number;
}

/** A Termin: services with quantities at one location, from a pending hold to confirmed. */
@Entity('booking')
@Index(['tenantId', 'reference'], { unique: true })
@Index(['tenantId', 'status', 'holdUntil'])
@Index(['tenantId', 'citizenEmailKey'])
@Index(['tenantId', 'clientKey'])
@Index(['tenantId', 'endAt'])
@Index(['tenantId', 'locationId', 'startAt'])
@Index(['tenantId', 'locationId', 'checkInDay', 'checkInCode'], { unique: true })
// The queue's no-show sweep: confirmed appointments nobody came to, oldest end first.
@Index(['tenantId', 'status', 'attendance', 'endAt'])
export class Booking extends TenantOwnedEntity {
  /** Shown to the citizen and scanned at the kiosk; doubles as the ticket number. */
  @Column({ type: 'varchar', length: 12 })
  reference!: string;

  /** Secret of the citizen's links (confirm, manage, cancel). */
  @Column({ type: 'varchar', length: 64 })
  token!: string;

  @Column({ type: 'varchar', length: 12 })
  status!: BookingStatus;

  @Column({ type: 'varchar', length: 10 })
  channel!: BookingChannel;

  @Column({ type: 'varchar', length: 36 })
  locationId!: string;

  @Column({ type: 'datetime' })
  startAt!: Date;

  @Column({ type: 'datetime' })
  endAt!: Date;

  @Column({ type: 'int' })
  minutes!: number;

  @Column({ type: 'simple-json' })
  services!: BookedService[];

  @Column({ type: 'datetime', nullable: true })
  holdUntil!: Date | null;

  @Column({ type: 'datetime', nullable: true })
  confirmedAt!: Date | null;

  @Column({ type: 'datetime', nullable: true })
  cancelledAt!: Date | null;

  /** Counts mails about this booking, so every mail gets its own outbox key (and the ICS a sequence). */
  @Column({ type: 'int', default: 0 })
  revision!: number;

  /** Name, email, phone (E.164), locale and SMS consent: columns citizenName, citizenEmail, citizenPhone, locale, citizenSmsConsent. */
  @Column(() => CitizenContact, { prefix: false })
  citizen!: CitizenContact;

  /** Typed at the kiosk instead of scanning: digits, unique per location and local day (checkInDay). */
  @Column({ type: 'varchar', length: 8, nullable: true })
  checkInCode!: string | null;

  /** The appointment's tenant-local day (YYYY-MM-DD), the scope of checkInCode's uniqueness. */
  @Column({ type: 'varchar', length: 10, nullable: true })
  checkInDay!: string | null;

  /** The mailbox for per-citizen caps (see citizen-keys.ts: plus-tags and Gmail dots folded). */
  @Column({ type: 'varchar', length: 254, nullable: true })
  citizenEmailKey!: string | null;

  /**
   * HMAC of the client address (IPv6: its /64) while an online booking is an unconfirmed hold,
   * for the per-address cap; cleared when it is confirmed, cancelled or lapses. Never shown.
   */
  @Column({ type: 'varchar', length: 64, nullable: true })
  clientKey!: string | null;

  /** The counter staff assigned (staff calendar); null: drawn in the first free lane. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  counterId!: string | null;

  /** Free text by staff, shown to staff only (never in mails or feeds). */
  @Column({ type: 'varchar', length: 1000, nullable: true })
  staffNote!: string | null;

  /** Attendance of a confirmed appointment; not personal data by itself, so retention keeps it. */
  @Column({ type: 'varchar', length: 12, nullable: true })
  attendance!: Attendance | null;

  /** When the citizen checked in (kiosk or front desk). */
  @Column({ type: 'datetime', nullable: true })
  checkedInAt!: Date | null;

  /** Set when personal data was removed after the retention period. */
  @Column({ type: 'datetime', nullable: true })
  anonymizedAt!: Date | null;
}
