import { Module } from '@nestjs/common';
import { AssetRegistry, AssetsController } from './assets.js';
import { TenantBrandingService } from './tenant-branding.service.js';

/**
 * Shared plumbing for server-rendered pages: self-hosted assets under /assets and tenant
 * branding. UIs (the booking portal, later kiosk and display) import it and register their
 * asset folder; a module imported by several plugins is still instantiated once.
 */
@Module({
  controllers: [AssetsController],
  providers: [AssetRegistry, TenantBrandingService],
  exports: [AssetRegistry, TenantBrandingService],
})
export class WebModule {}
