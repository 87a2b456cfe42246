import { Module } from '@nestjs/common';

/** The call monitor (Bürgermonitor) in the waiting area (display issue). */
@Module({})
export class DisplayModule {}
