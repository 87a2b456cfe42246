import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from './auth/auth.module.js';
import { CatalogController } from './catalog/catalog.controller.js';
import { CORE_ENTITIES, CORE_MIGRATIONS } from './core.entities.js';
import { CoreModule, type CoreOptions } from './core.module.js';
import { dataSourceOptions, type DriverType } from './database/data-source-options.js';
import { DevicesModule } from './devices/devices.module.js';
import { HealthController } from './health/health.controller.js';

export interface AppOptions extends CoreOptions {
  /** Extra Nest modules (the admin panel; test fixtures). */
  imports?: DynamicModule['imports'];
  driver: DriverType;
}

/** Entities of the core and of every plugin are collected before the data source is built. */
@Module({})
export class AppModule {
  static forRoot(options: AppOptions): DynamicModule {
    const entities = [...CORE_ENTITIES, ...options.plugins.flatMap((p) => p.entities)];
    const migrations = [...CORE_MIGRATIONS, ...options.plugins.flatMap((p) => p.migrations)];
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot(dataSourceOptions(options.env.DATABASE_URL, entities, migrations, { driver: options.driver })),
        CoreModule.forRoot(options),
        AuthModule,
        DevicesModule,
        ...options.plugins.map((p) => p.module),
        ...(options.imports ?? []),
      ],
      controllers: [HealthController, CatalogController],
    };
  }
}
