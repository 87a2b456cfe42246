import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { And, LessThanOrEqual, MoreThan } from 'typeorm';
import { Clock } from '../../apps/server/src/common/clock.js';
import { isUniqueViolation } from '../../apps/server/src/database/db-errors.js';
import { OutboxService } from '../../apps/server/src/notifications/outbox.service.js';
import { PluginHostService } from '../../apps/server/src/plugin-host/plugin-host.service.js';
import { TenantContext } from '../../apps/server/src/tenancy/tenant-context.js';
import { TenantDataService } from '../../apps/server/src/tenancy/tenant-data.service.js';
import { BookingMailService } from './booking-mail.service.js';
import { BookingService } from './booking.service.js';
import { bookingManifest } from './booking.manifest.js';
import type { BookingSettings } from './booking.settings.js';
import { Booking } from './entities/booking.entity.js';

/**
 * When the reminder of an appointment is due: `reminderDaysBefore` days before its day, at
 * `reminderAt`, tenant-local wall-clock time (so 17:00 stays 17:00 across a DST change).
 */
export function reminderDueAt(start: Date, timeZone: string, settings: Pick<BookingSettings, 'reminderDaysBefore' | 'reminderAt'>): Date {
  const [hour, minute] = settings.reminderAt.split(':').map(Number);
  return DateTime.fromJSDate(start, { zone: timeZone }).startOf('day').minus({ days: settings.reminderDaysBefore }).set({ hour, minute }).toJSDate();
}

/**
 * Reminders before the appointment, by mail and/or SMS as the citizen chose, in the booking's
 * language. Only confirmed appointments that were confirmed before their reminder time (a booking
 * made later was just confirmed: no reminder). Each reminder is claimed by its outbox key
 * (`booking:<id>:reminder:<start>`): two instances, or a run taken over after a crash, write it
 * once; a moved appointment gets a reminder for its new time.
 */
@Injectable()
export class ReminderService {
  constructor(
    private readonly data: TenantDataService,
    private readonly clock: Clock,
    private readonly host: PluginHostService,
    private readonly bookings: BookingService,
    private readonly mails: BookingMailService,
    private readonly outbox: OutboxService,
  ) {}

  /** Writes the reminders that are due and not yet written; returns how many bookings got one. */
  async sendDue(): Promise<number> {
    const settings = await this.host.settings(bookingManifest);
    if (settings.reminderDaysBefore === 0) return 0;
    const zone = TenantContext.current().timeZone;
    const now = this.clock.now();
    // Only appointments still ahead whose reminder time can have come (a day's margin for the time of day).
    const horizon = new Date(now.getTime() + (settings.reminderDaysBefore + 1) * 86_400_000);
    const ahead = await this.data
      .repo(Booking)
      .find({ where: { status: 'confirmed', startAt: And(MoreThan(now), LessThanOrEqual(horizon)) }, order: { startAt: 'ASC' } });
    const due = ahead.filter((b) => {
      const at = reminderDueAt(b.startAt, zone, settings);
      return at <= now && b.confirmedAt !== null && b.confirmedAt < at;
    });
    if (due.length === 0) return 0;
    const occasion = (b: Booking) => String(b.startAt.getTime());
    const keyOf = (b: Booking) => `booking:${b.id}:reminder:${occasion(b)}`;
    const written = await this.outbox.existingKeys(due.flatMap((b) => [keyOf(b), `${keyOf(b)}:sms`]));
    let sent = 0;
    for (const booking of due) {
      if (written.has(keyOf(booking)) || written.has(`${keyOf(booking)}:sms`)) continue;
      const view = await this.bookings.view(booking);
      try {
        const any = await this.data.transaction((tx) =>
          this.mails.notify(tx, 'reminder', booking, { view, token: booking.token }, { occasion: occasion(booking) }),
        );
        if (any) sent += 1;
      } catch (err) {
        // Another instance wrote this reminder meanwhile.
        if (!isUniqueViolation(err)) throw err;
      }
    }
    return sent;
  }
}
