import { createHmac, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { ENV, type Env } from '../config/env.config.js';
import { runAsTenant, toTenantRef } from '../tenancy/tenant-context.js';
import { TenantDataService } from '../tenancy/tenant-data.service.js';
import { Tenant } from '../tenancy/tenant.entity.js';
import { OutboxMessage } from './outbox-message.entity.js';
import { readPath } from './sms-transport.js';

const UNAUTHORIZED = 'The delivery report is not signed with the configured secret.';
const UNKNOWN = 'No SMS with this id.';
const NO_STATUS = 'Each delivery report needs a status.';

/**
 * Delivery reports from the SMS gateway: the request is authenticated (an HMAC-SHA256 of the raw
 * body with SMS_REPORT_SECRET in a header, or the secret as the last path segment for gateways
 * that cannot sign), each report names the message by our reference (the outbox row id, sent as
 * `{{reference}}`) or by the gateway's id, and its status is recorded on the message. Everything
 * is checked before anything is written: one unknown message refuses the whole request.
 */
@Injectable()
export class SmsDeliveryReportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly data: TenantDataService,
    private readonly clock: Clock,
    @Inject(ENV) private readonly env: Env,
  ) {}

  /** The header carrying the signature, as Node names headers (lower case). */
  get signatureHeader(): string {
    return this.env.SMS_REPORT_SIGNATURE_HEADER.toLowerCase();
  }

  verifySignature(rawBody: Buffer | undefined, signature: string | undefined): void {
    const secret = this.env.SMS_REPORT_SECRET;
    if (!secret || !rawBody || !signature) throw new UnauthorizedException(UNAUTHORIZED);
    const given = signature
      .trim()
      .replace(/^sha256=/i, '')
      .toLowerCase();
    const expected = createHmac('sha256', secret).update(rawBody).digest('hex');
    if (!sameSecret(given, expected)) throw new UnauthorizedException(UNAUTHORIZED);
  }

  verifyToken(token: string): void {
    const secret = this.env.SMS_REPORT_SECRET;
    if (!secret || !sameSecret(token, secret)) throw new UnauthorizedException(UNAUTHORIZED);
  }

  /**
   * Records the reports in `body` (one object, or an array of them); 404 when a message is unknown,
   * 400 with SMS_REPORT_INVALID when a report has no status.
   */
  async record(body: unknown): Promise<number> {
    const reports = (Array.isArray(body) ? body : [body]).slice(0, 500);
    const found = [];
    for (const report of reports) {
      const reference = readPath(report, this.env.SMS_REPORT_REFERENCE_PATH);
      const providerId = readPath(report, this.env.SMS_REPORT_ID_PATH);
      const status = readPath(report, this.env.SMS_REPORT_STATUS_PATH);
      if (typeof status !== 'string' && typeof status !== 'number') throw new DomainError('SMS_REPORT_INVALID', NO_STATUS);
      // Installation-wide lookup by an id unique across tenants (our uuid, or the gateway's id), then
      // the write goes through the tenant's scope like every other.
      const repo = this.dataSource.getRepository(OutboxMessage);
      const row =
        (typeof reference === 'string' && /^[0-9a-f-]{36}$/i.test(reference)
          ? await repo.findOne({ select: { id: true, tenantId: true }, where: { id: reference, channel: 'sms' } })
          : null) ??
        (typeof providerId === 'string' || typeof providerId === 'number'
          ? await repo.findOne({ select: { id: true, tenantId: true }, where: { providerId: String(providerId).slice(0, 100), channel: 'sms' } })
          : null);
      if (!row) throw new NotFoundException(UNKNOWN);
      found.push({ row, status: String(status).slice(0, 40) });
    }
    const now = this.clock.now();
    for (const { row, status } of found) {
      const tenant = await this.dataSource.getRepository(Tenant).findOneBy({ id: row.tenantId });
      if (!tenant) continue;
      await runAsTenant(toTenantRef(tenant), () => this.data.repo(OutboxMessage).update({ id: row.id }, { deliveryStatus: status, deliveryReportedAt: now }));
    }
    return found.length;
  }
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
