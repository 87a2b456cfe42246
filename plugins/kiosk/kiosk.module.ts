import { Module } from '@nestjs/common';

/** Foyer terminals: check-in, walk-in tickets, same-day booking (kiosk issue). */
@Module({})
export class KioskModule {}
