/**
 * What the booking plugin publishes to other plugins (the terminagent, the queue, later the kiosk):
 * its module for injection, the capacity services, attendance of appointments (for the queue),
 * request resolution, its settings type and the citizen's contact schema. Another plugin imports
 * booking only from here (test/plugin-boundaries.spec.ts checks it).
 */
export { AgentCapacityService, type AgentSlot } from './agent-capacity.service.js';
export { BookingAttendanceService, type AttendanceAppointment } from './booking-attendance.service.js';
export type { Attendance, BookingStatus } from './entities/booking.entity.js';
export { resolveRequest } from './booking-request.js';
export { citizenSchema } from './booking.controller.js';
export { BookingModule } from './booking.module.js';
export type { BookingSettings } from './booking.settings.js';
export { CapacityService } from './capacity.service.js';
export { AGENT_CHANNEL_CONSUMER } from './capacity.service.js';
export type * from './booking.events.js';
export { KIOSK_CHECK_IN } from './booking-mail.service.js';
// The staff's location scope (the queue's counters and presence use the calendar's rules).
export { StaffAccessService } from './staff/staff-access.service.js';
export type { StaffScope } from './staff/calendar.types.js';
