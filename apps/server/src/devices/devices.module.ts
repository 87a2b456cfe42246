import { Module } from '@nestjs/common';
import { WebModule } from '../web/web.module.js';
import { DevicePages } from './device-pages.service.js';
import { DevicesController } from './devices.controller.js';

/** The pairing API and page; DeviceService itself is the core's (CoreModule), for the plugins' guards. */
@Module({
  imports: [WebModule],
  controllers: [DevicesController],
  providers: [DevicePages],
})
export class DevicesModule {}
