import { Injectable, Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { apiLocale, deviceMessage } from '../../apps/server/src/devices/device-messages.js';
import { DeviceService } from '../../apps/server/src/devices/device.service.js';
import { PluginHostService } from '../../apps/server/src/plugin-host/plugin-host.service.js';
import { apiSecurityHeaders } from '../../apps/server/src/security/security-headers.js';
import { TenantContext } from '../../apps/server/src/tenancy/tenant-context.js';
import { TenantRegistryService } from '../../apps/server/src/tenancy/tenant-registry.service.js';
import { apiTenant, malformedRequest, unknownMunicipality } from '../../apps/server/src/tenancy/tenant-resolver.middleware.js';
import type { FastRoute } from '../../apps/server/src/web/fast-route.js';
import { DisplayStateService } from './display-state.service.js';
import { displayManifest } from './display.manifest.js';

const PATH = /^\/api\/v1\/tenants\/([^/?#]+)\/display\/state\/?$/;

/**
 * `GET /api/v1/tenants/:slug/display/state`, the poll of every call display every few seconds, as
 * a fast route in front of the middleware (docs/display.md): the tenant from the registry's cache,
 * the plugin switch from the config cache, the device from the token cache (which counts it as
 * seen), the answer from the feed in memory. It answers as Nest's pipeline did: 404 unknown town,
 * 403 plugin off, 401 with `WWW-Authenticate: Bearer` for anything but a paired display of this
 * town, else the state or 304. The controller (for the API document and HEAD) calls this too.
 */
@Injectable()
export class DisplayStateRoute implements FastRoute {
  readonly path = PATH;
  private readonly logger = new Logger('DisplayStateRoute');
  private readonly securityHeaders = apiSecurityHeaders();

  constructor(
    private readonly registry: TenantRegistryService,
    private readonly host: PluginHostService,
    private readonly devices: DeviceService,
    private readonly display: DisplayStateService,
  ) {}

  async handle(req: Request, res: Response, next: NextFunction): Promise<void> {
    const slug = PATH.exec(req.path)?.[1];
    // The shared pipeline answers what this route does not judge (400 for a malformed address).
    if (!slug || malformedRequest(req)) return next();
    this.securityHeaders(res);
    try {
      const tenant = await apiTenant(this.registry, slug, req.headers.host);
      if (!tenant) return unknownMunicipality(res, slug);
      if (!(await this.host.isEnabled(tenant.id, displayManifest))) {
        // The shape and key order of Nest's ForbiddenException, which answered this before.
        res.status(403).json({ message: `The ${displayManifest.name} plugin is not enabled for ${tenant.name}`, error: 'Forbidden', statusCode: 403 });
        return;
      }
      const answer = await TenantContext.run(tenant, async () => {
        const device = await this.devices.identify(tenant, req.headers.authorization, ['display']);
        return device && this.display.answer(device, req.headers['if-none-match']);
      });
      if (!answer) {
        res.setHeader('WWW-Authenticate', 'Bearer');
        res.status(401).json({ statusCode: 401, error: 'Unauthorized', message: deviceMessage(apiLocale(req), 'notPaired') });
        return;
      }
      res.setHeader('ETag', answer.etag);
      res.setHeader('Cache-Control', 'no-cache');
      if (answer.status === 304) {
        res.writeHead(304).end();
        return;
      }
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.setHeader('Content-Length', Buffer.byteLength(answer.body));
      res.writeHead(200).end(answer.body);
    } catch (err) {
      this.logger.error({ msg: 'Display poll failed', err: String(err) });
      // Nest's answer to an unexpected error.
      if (!res.headersSent) res.status(500).json({ statusCode: 500, message: 'Internal server error' });
    }
  }
}
