import { Module } from '@nestjs/common';
import { WebModule } from '../../apps/server/src/web/web.module.js';
import { QueueModule } from '../queue/queue.api.js';
import { DisplayApiController } from './display-api.controller.js';
import { DisplayStateRoute } from './display-state.route.js';
import { DisplayStateService } from './display-state.service.js';
import { DisplayPageController } from './portal/display-page.controller.js';
import { DisplayPages } from './portal/display-pages.service.js';

/** The call monitor (Bürgermonitor) in the waiting area: its full-screen page and the state API it polls. */
@Module({
  // The calls come from the queue's display feed; the page renders in the core's frame (device layout).
  imports: [QueueModule, WebModule],
  controllers: [DisplayApiController, DisplayPageController],
  providers: [DisplayPages, DisplayStateService, DisplayStateRoute],
})
export class DisplayModule {}
