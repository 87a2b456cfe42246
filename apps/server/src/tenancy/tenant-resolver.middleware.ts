import type { NextFunction, Request, Response } from 'express';
import { safeDecode } from '../common/safe-decode.js';
import { parseHost } from '../security/host-name.js';
import { RESERVED_SLUGS } from './tenant-config.schema.js';
import { TenantContext, type TenantRef } from './tenant-context.js';
import type { TenantRegistryService } from './tenant-registry.service.js';

const API_PREFIX = /^\/api\/v1\/tenants\/([^/?#]+)(?=\/|$)/;
const FIRST_SEGMENT = /^\/([^/?#]+)(?=\/|$)/;

/** The 404 of a slug that names no municipality (as it stands in the path). */
export function unknownMunicipality(res: Response, slug: string): void {
  res.status(404).json({ statusCode: 404, error: 'Not Found', message: `Unknown municipality '${slug.slice(0, 63)}'` });
}

function badRequest(res: Response, message: string): void {
  res.status(400).json({ statusCode: 400, error: 'Bad Request', message });
}

/** What makes a request unfit for tenant resolution (a 400), or null. */
export function malformedRequest(req: Request): string | null {
  if (safeDecode(req.path) === null) return 'The address contains malformed percent-encoding.';
  if (req.headers.host !== undefined && parseHost(req.headers.host) === null) return 'The Host header is not a valid host name.';
  return null;
}

/** The tenant of an API path's slug (as it stands in the path), unless the request's host is another tenant's domain. */
export async function apiTenant(registry: TenantRegistryService, slug: string, host: string | undefined): Promise<TenantRef | null> {
  const tenant = await registry.findBySlug(safeDecode(slug)!);
  const hostTenant = await registry.findByHost(host);
  return tenant && (!hostTenant || hostTenant.id === tenant.id) ? tenant : null;
}

/**
 * Finds the tenant of a request (API path, then the host's configured domain, then the portal
 * path /<slug>/…) and runs the rest of the request inside its context. On a tenant's own domain
 * portal paths carry no slug; they are rewritten to /<slug>/… so one set of routes serves both.
 */
export function tenantResolverMiddleware(registry: TenantRegistryService) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      const problem = malformedRequest(req);
      if (problem) return badRequest(res, problem);
      const path = req.path;
      const apiSlug = API_PREFIX.exec(path)?.[1];
      if (apiSlug) {
        const tenant = await apiTenant(registry, apiSlug, req.headers.host);
        if (!tenant) return unknownMunicipality(res, apiSlug);
        return TenantContext.run(tenant, next);
      }
      const hostTenant = await registry.findByHost(req.headers.host);
      const first = FIRST_SEGMENT.exec(path)?.[1];
      if (hostTenant) {
        if (first && RESERVED_SLUGS.has(first)) return next();
        if (first !== hostTenant.slug) req.url = `/${hostTenant.slug}${req.url === '/' ? '/' : req.url}`;
        return TenantContext.run(hostTenant, next);
      }
      if (!first || RESERVED_SLUGS.has(first)) return next();
      const tenant = await registry.findBySlug(safeDecode(first)!);
      if (!tenant) return unknownMunicipality(res, first);
      return TenantContext.run(tenant, next);
    } catch (err) {
      next(err);
    }
  };
}
