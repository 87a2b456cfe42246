import { Module } from '@nestjs/common';
import { WebModule } from '../../../apps/server/src/web/web.module.js';
import { AppointmentController } from './appointment.controller.js';
import { BookingFlowController } from './booking-flow.controller.js';
import { PortalExceptionFilter } from './portal-exception.filter.js';
import { PortalPages } from './portal-pages.service.js';

/**
 * The citizen portal's pages. Its controllers need the booking engine's services, so the
 * booking module lists them (see PORTAL_CONTROLLERS) rather than this module importing it back.
 */
export const PORTAL_CONTROLLERS = [BookingFlowController, AppointmentController];

@Module({
  imports: [WebModule],
  providers: [PortalPages, PortalExceptionFilter],
  exports: [WebModule, PortalPages, PortalExceptionFilter],
})
export class PortalModule {}
