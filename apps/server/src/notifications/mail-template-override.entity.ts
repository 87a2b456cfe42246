import { Column, Entity, Index } from 'typeorm';
import { TenantOwnedEntity } from '../tenancy/tenant-owned.entity.js';

/**
 * A municipality's own wording of a shipped mail template (edited in the admin panel): subject and
 * text, optionally HTML; without HTML the text is sent as the HTML body too.
 */
@Entity('mail_template_override')
@Index(['tenantId', 'templateKey', 'locale'], { unique: true })
export class MailTemplateOverride extends TenantOwnedEntity {
  /** `<namespace>/<name>`, e.g. `booking/confirmation`. */
  @Column({ type: 'varchar', length: 100 })
  templateKey!: string;

  @Column({ type: 'varchar', length: 2 })
  locale!: 'de' | 'en';

  @Column({ type: 'varchar', length: 500 })
  subject!: string;

  @Column({ type: 'text' })
  text!: string;

  @Column({ type: 'text', nullable: true })
  html!: string | null;
}
