import type { PublicLocation } from '../../apps/server/src/catalog/catalog.service.js';
import type { BookingStatus } from './entities/booking.entity.js';

export interface BookingServiceLine {
  serviceId: string;
  name: string;
  nameEn: string | null;
  quantity: number;
  durationMinutes: number;
  /** The service's fee per unit in euros, or null when the catalog names none. */
  fee: number | null;
  checklist: Array<{ text: string; textEn: string | null }>;
}

/** What the citizen (and the portal) sees of a booking. */
export interface BookingView {
  reference: string;
  status: BookingStatus;
  channel: 'online' | 'phone' | 'kiosk' | 'agent';
  locale: 'de' | 'en';
  /** Tenant-local ISO 8601 with offset. */
  start: string;
  end: string;
  holdUntil: string | null;
  minutes: number;
  revision: number;
  location: PublicLocation;
  services: BookingServiceLine[];
  /** `phone` in E.164; `sms`: the citizen chose to get messages by SMS too. */
  citizen: { name: string; email: string | null; phone: string | null; sms: boolean };
  /** Numeric code for checking in at the kiosk; unique per location and day. */
  checkInCode: string | null;
  /** What the kiosk scans: AMTSZEIT:<slug>:<reference>. */
  qrPayload: string;
  canCancel: boolean;
  canRebook: boolean;
}

export interface CreateBookingInput {
  services: Array<{ serviceId: string; quantity: number }>;
  locationId: string;
  start: string;
  /** `phone` as typed (normalised to E.164 by the service); `sms` asks for messages by SMS too. */
  citizen: { name: string; email: string; phone?: string; sms?: boolean };
  consent: true;
  channel: 'online' | 'phone' | 'kiosk';
  locale: 'de' | 'en';
  idempotencyKey?: string;
  /** ALTCHA payload (base64) when the captcha is on. */
  altcha?: string;
  /** Client address for the rate limit. */
  ip?: string;
}
