import { Column, Entity, Index } from 'typeorm';
import { TenantOwnedEntity } from '../tenancy/tenant-owned.entity.js';

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

/** A rendered mail ready to go; an attachment's content is base64. */
export interface OutboxMail {
  to: string;
  subject: string;
  html: string;
  text: string;
  attachments: Array<{ filename: string; contentType: string; content: string; cid?: string }>;
}

/**
 * The transactional outbox: written in the same transaction as the change that decides to send,
 * delivered by the sender task. The unique key makes "decided to send" happen once.
 */
@Entity('outbox_message')
@Index(['tenantId', 'messageKey'], { unique: true })
@Index(['tenantId', 'status', 'nextAttemptAt'])
export class OutboxMessage extends TenantOwnedEntity {
  /** What the message is about, e.g. booking:<id>:confirmation:2. */
  @Column({ type: 'varchar', length: 150 })
  messageKey!: string;

  @Column({ type: 'varchar', length: 10 })
  status!: OutboxStatus;

  @Column({ type: 'simple-json' })
  mail!: OutboxMail;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ type: 'datetime' })
  nextAttemptAt!: Date;

  /** Who is sending it and until when; a lapsed lease (crashed sender) is taken over. */
  @Column({ type: 'varchar', length: 80, nullable: true })
  claimedBy!: string | null;

  @Column({ type: 'datetime', nullable: true })
  leaseUntil!: Date | null;

  @Column({ type: 'datetime', nullable: true })
  sentAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  lastError!: string | null;
}
