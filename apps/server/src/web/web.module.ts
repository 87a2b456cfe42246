import { Module } from '@nestjs/common';
import { AssetRegistry, AssetsController } from './assets.js';
import { PageFrame } from './page-frame.service.js';
import { PortalExceptionFilter } from './portal-exception.filter.js';
import { StaffLoginController } from './staff-login.controller.js';
import { TenantBrandingService } from './tenant-branding.service.js';

/**
 * Shared plumbing for server-rendered pages: self-hosted assets under /assets, tenant branding,
 * the citizen portal's page frame with its error pages, and the staff frame's login and start page. Plugins with pages import it and
 * register their view root (see PluginPages); a module imported by several plugins is still
 * instantiated once.
 */
@Module({
  controllers: [AssetsController, StaffLoginController],
  providers: [AssetRegistry, TenantBrandingService, PageFrame, PortalExceptionFilter],
  exports: [AssetRegistry, TenantBrandingService, PageFrame, PortalExceptionFilter],
})
export class WebModule {}
