import type { NextFunction, Request, Response } from 'express';
import { safeDecode } from '../common/safe-decode.js';
import { parseHost } from '../security/host-name.js';
import { RESERVED_SLUGS } from './tenant-config.schema.js';
import { TenantContext } from './tenant-context.js';
import type { TenantRegistryService } from './tenant-registry.service.js';

const API_PREFIX = /^\/api\/v1\/tenants\/([^/?#]+)(?=\/|$)/;
const FIRST_SEGMENT = /^\/([^/?#]+)(?=\/|$)/;

function notFound(res: Response, slug: string): void {
  res.status(404).json({ statusCode: 404, error: 'Not Found', message: `Unknown municipality '${slug.slice(0, 63)}'` });
}

function badRequest(res: Response, message: string): void {
  res.status(400).json({ statusCode: 400, error: 'Bad Request', message });
}

/**
 * Finds the tenant of a request (API path, then the host's configured domain, then the portal
 * path /<slug>/…) and runs the rest of the request inside its context. On a tenant's own domain
 * portal paths carry no slug; they are rewritten to /<slug>/… so one set of routes serves both.
 */
export function tenantResolverMiddleware(registry: TenantRegistryService) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      const path = req.path;
      if (safeDecode(path) === null) return badRequest(res, 'The address contains malformed percent-encoding.');
      if (req.headers.host !== undefined && parseHost(req.headers.host) === null) return badRequest(res, 'The Host header is not a valid host name.');
      const apiSlug = API_PREFIX.exec(path)?.[1];
      const hostTenant = await registry.findByHost(req.headers.host);
      if (apiSlug) {
        const tenant = await registry.findBySlug(safeDecode(apiSlug)!);
        if (!tenant || (hostTenant && hostTenant.id !== tenant.id)) return notFound(res, apiSlug);
        return TenantContext.run(tenant, next);
      }
      const first = FIRST_SEGMENT.exec(path)?.[1];
      if (hostTenant) {
        if (first && RESERVED_SLUGS.has(first)) return next();
        if (first !== hostTenant.slug) req.url = `/${hostTenant.slug}${req.url === '/' ? '/' : req.url}`;
        return TenantContext.run(hostTenant, next);
      }
      if (!first || RESERVED_SLUGS.has(first)) return next();
      const tenant = await registry.findBySlug(safeDecode(first)!);
      if (!tenant) return notFound(res, first);
      return TenantContext.run(tenant, next);
    } catch (err) {
      next(err);
    }
  };
}
