import { DateTime } from 'luxon';

/** Tenant-local wall-clock helpers; every rule speaks local time, every row stores UTC instants. */
export function localDateTimeToInstant(date: string, time: string, zone: string): Date {
  const dt = DateTime.fromISO(`${date}T${time}`, { zone });
  if (!dt.isValid) throw new Error(`Invalid local date/time ${date} ${time} in ${zone}`);
  return dt.toJSDate();
}

/** Null when the wall-clock time does not exist that day (skipped by the spring DST change). */
export function existingLocalInstant(date: string, time: string, zone: string): Date | null {
  const dt = DateTime.fromISO(`${date}T${time}`, { zone });
  if (!dt.isValid || dt.toFormat('yyyy-MM-dd HH:mm') !== `${date} ${time}`) return null;
  return dt.toJSDate();
}

/**
 * An ISO 8601 date-time that names its offset (or Z), e.g. 2026-11-24T08:00:00+01:00, as an instant;
 * null when it is not one (each caller answers with its own error).
 */
export function parseOffsetInstant(value: string): Date | null {
  const dt = DateTime.fromISO(value, { setZone: true });
  if (!dt.isValid || !/([+-]\d{2}:?\d{2}|Z)$/.test(value)) return null;
  return dt.toJSDate();
}

export function instantToLocal(instant: Date, zone: string): DateTime {
  return DateTime.fromJSDate(instant, { zone });
}

export function localDate(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).toISODate()!;
}

/** HH:MM of an instant in the zone. */
export function localTime(instant: Date, zone: string): string {
  return instantToLocal(instant, zone).toFormat('HH:mm');
}

/** The UTC instant of a tenant-local midnight (midnight exists on every DST change in Europe). */
export function startOfLocalDay(date: string, zone: string): Date {
  return DateTime.fromISO(date, { zone }).startOf('day').toJSDate();
}

/** ISO 8601 with the tenant's offset, e.g. 2026-03-30T09:00:00+02:00. */
export function toLocalIso(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).toISO({ suppressMilliseconds: true })!;
}

export function addDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toISODate()!;
}

/** ISO weekday 1 (Monday) … 7 (Sunday) of a calendar date. */
export function isoWeekday(date: string): number {
  return DateTime.fromISO(date, { zone: 'UTC' }).weekday;
}

export function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

export function isIsoDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && DateTime.fromISO(value).isValid;
}
