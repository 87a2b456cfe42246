import { Column, Entity, Index } from 'typeorm';
import { LeasedEntity } from '../database/leased.entity.js';
import type { NotificationChannel, OutboxContent } from './notification.types.js';

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

/**
 * The transactional outbox: a mail or an SMS, written in the same transaction as the change that
 * decides to send, delivered by the channel's drain. The unique key makes "decided to send" happen once.
 */
@Entity('outbox_message')
@Index(['tenantId', 'messageKey'], { unique: true })
@Index(['tenantId', 'channel', 'status', 'nextAttemptAt'])
// Delivery reports name the gateway's id without a tenant; the id is unique at the gateway.
@Index(['providerId'])
export class OutboxMessage extends LeasedEntity {
  /** What the message is about, e.g. booking:<id>:confirmation:2. */
  @Column({ type: 'varchar', length: 150 })
  messageKey!: string;

  @Column({ type: 'varchar', length: 10, default: 'email' })
  channel!: NotificationChannel;

  /** The template it was rendered from, e.g. booking/confirmation. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  template!: string | null;

  @Column({ type: 'varchar', length: 10 })
  override status!: OutboxStatus;

  /** Rendered: an EmailContent or an SmsContent, by channel. (The column kept its name from mail-only days.) */
  @Column({ name: 'mail', type: 'simple-json' })
  content!: OutboxContent;

  /** SMS parts the text costs (GSM-7: 160/153, UCS-2: 70/67); null for mail. */
  @Column({ type: 'int', nullable: true })
  segments!: number | null;

  @Column({ type: 'datetime', nullable: true })
  sentAt!: Date | null;

  /** The gateway's id of the message (SMS), from its answer. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  providerId!: string | null;

  /** The last status a delivery report gave (e.g. DELIVERED), as the gateway spells it. */
  @Column({ type: 'varchar', length: 40, nullable: true })
  deliveryStatus!: string | null;

  @Column({ type: 'datetime', nullable: true })
  deliveryReportedAt!: Date | null;
}
