import { Module } from '@nestjs/common';
import { AssetRegistry, AssetsController } from './assets.js';
import { PageFrame } from './page-frame.service.js';
import { PortalExceptionFilter } from './portal-exception.filter.js';
import { TenantBrandingService } from './tenant-branding.service.js';

/**
 * Shared plumbing for server-rendered pages: self-hosted assets under /assets, tenant branding,
 * and the citizen portal's page frame with its error pages. Plugins with pages import it and
 * register their view root (see PluginPages); a module imported by several plugins is still
 * instantiated once.
 */
@Module({
  controllers: [AssetsController],
  providers: [AssetRegistry, TenantBrandingService, PageFrame, PortalExceptionFilter],
  exports: [AssetRegistry, TenantBrandingService, PageFrame, PortalExceptionFilter],
})
export class WebModule {}
