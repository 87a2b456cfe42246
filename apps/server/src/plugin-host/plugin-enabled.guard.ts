import { ForbiddenException, Injectable, NotFoundException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TenantContext } from '../tenancy/tenant-context.js';
import { PluginHostService } from './plugin-host.service.js';
import { REQUIRES_PLUGIN, type RequiresPluginMeta } from './requires-plugin.decorator.js';

@Injectable()
export class PluginEnabledGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly host: PluginHostService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const meta = this.reflector.getAllAndOverride<RequiresPluginMeta | undefined>(REQUIRES_PLUGIN, [context.getHandler(), context.getClass()]);
    if (!meta) return true;
    const tenant = TenantContext.currentOrNull();
    if (tenant && (await this.host.isEnabled(tenant.id, meta.plugin))) return true;
    if (tenant && meta.audience === 'device') {
      throw new ForbiddenException(`The ${meta.plugin.name} plugin is not enabled for ${tenant.name}`);
    }
    throw new NotFoundException('Not found');
  }
}
