/**
 * What the booking plugin publishes to other plugins (the terminagent, later kiosk and counter):
 * its module for injection, the capacity services, request resolution, its settings type and the
 * citizen's contact schema. Another plugin imports booking only from here
 * (test/plugin-boundaries.spec.ts checks it).
 */
export { AgentCapacityService, type AgentSlot } from './agent-capacity.service.js';
export { resolveRequest } from './booking-request.js';
export { citizenSchema } from './booking.controller.js';
export { BookingModule } from './booking.module.js';
export type { BookingSettings } from './booking.settings.js';
export { CapacityService } from './capacity.service.js';
export { AGENT_CHANNEL_CONSUMER } from './capacity.service.js';
export type * from './booking.events.js';
export { KIOSK_CHECK_IN } from './booking-mail.service.js';
