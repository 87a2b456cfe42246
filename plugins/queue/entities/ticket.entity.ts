import { Column, Entity, Index } from 'typeorm';
import { TenantOwnedEntity } from '../../../apps/server/src/tenancy/tenant-owned.entity.js';
import type { TicketKind, TicketSource, TicketStatus } from '../queue.types.js';

/**
 * A Wartemarke: one visitor's place in a location's queue for one local day. A transfer ends the
 * row ('transferred') and continues in a new row (`parentId`), so each row is one leg of the visit.
 */
@Entity('queue_ticket')
// The location's open tickets of a day (waiting list, board, presence, day-end closing).
@Index(['tenantId', 'locationId', 'day', 'status'])
@Index(['tenantId', 'status', 'day'])
@Index(['tenantId', 'counterId', 'status'])
// A booking checks in once: only the first leg carries the key (successors keep bookingId only).
@Index(['tenantId', 'bookingKey'], { unique: true })
@Index(['tenantId', 'bookingId'])
export class QueueTicket extends TenantOwnedEntity {
  @Column({ type: 'varchar', length: 36 })
  locationId!: string;

  /** Tenant-local date (YYYY-MM-DD) the ticket belongs to. */
  @Column({ type: 'varchar', length: 10 })
  day!: string;

  /** What the display shows, e.g. "T017". */
  @Column({ type: 'varchar', length: 8 })
  number!: string;

  @Column({ type: 'varchar', length: 3 })
  prefix!: string;

  @Column({ type: 'int' })
  seq!: number;

  @Column({ type: 'varchar', length: 12 })
  kind!: TicketKind;

  @Column({ type: 'varchar', length: 12 })
  status!: TicketStatus;

  /** 0 normal; higher is more urgent. */
  @Column({ type: 'int', default: 0 })
  priority!: number;

  @Column({ type: 'simple-json' })
  serviceIds!: string[];

  @Column({ type: 'varchar', length: 36, nullable: true })
  bookingId!: string | null;

  /** bookingId on the check-in's own row, null on transferred successors: the unique key. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  bookingKey!: string | null;

  @Column({ type: 'varchar', length: 8 })
  source!: TicketSource;

  /** Place in line (issue / check-in, or the kept place of a transfer). */
  @Column({ type: 'datetime', precision: 3 })
  sortAt!: Date;

  @Column({ type: 'datetime', precision: 3 })
  issuedAt!: Date;

  @Column({ type: 'datetime', nullable: true })
  appointmentStart!: Date | null;

  @Column({ type: 'datetime', nullable: true })
  appointmentEnd!: Date | null;

  /** The latest call (a recall moves it). */
  @Column({ type: 'datetime', precision: 3, nullable: true })
  calledAt!: Date | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  firstCalledAt!: Date | null;

  @Column({ type: 'int', default: 0 })
  callCount!: number;

  @Column({ type: 'varchar', length: 36, nullable: true })
  counterId!: string | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  calledByUserId!: string | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  startedAt!: Date | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  finishedAt!: Date | null;

  @Column({ type: 'simple-json', nullable: true })
  deliveredServiceIds!: string[] | null;

  /** The leg this one continues after a transfer. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  parentId!: string | null;

  /** Only this counter may call it (a transfer to a counter). */
  @Column({ type: 'varchar', length: 36, nullable: true })
  targetCounterId!: string | null;

  /** Why a ticket ended without service, e.g. 'day-end'. */
  @Column({ type: 'varchar', length: 20, nullable: true })
  closedReason!: string | null;
}
