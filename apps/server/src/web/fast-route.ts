import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * A route answered in front of Express's middleware and Nest's router: for a request so frequent
 * that the shared pipeline (security headers through helmet, the tenant resolver, Nest's guards,
 * interceptors and filters) is most of its cost, e.g. the call displays' poll. The handler does
 * itself what the pipeline would: tenant, plugin switch, authentication, the security headers
 * (`apiSecurityHeaders`) and errors in the API's JSON shape. A request it cannot judge (say, a
 * malformed address) it passes on with `next()`, and the pipeline answers as for any route.
 * A plugin lists its fast routes in `fastRoutes` (providers of its module).
 */
export interface FastRoute {
  /** Matched against the path without the query, for GET requests only (HEAD goes through Nest). */
  readonly path: RegExp;
  handle(req: Request, res: Response, next: NextFunction): Promise<void>;
}

/** One Express handler for all fast routes: a method check and one regular expression per route. */
export function fastRouteHandler(routes: FastRoute[]): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'GET' || routes.length === 0) return next();
    const url = req.url;
    const end = url.indexOf('?');
    const path = end === -1 ? url : url.slice(0, end);
    const route = routes.find((r) => r.path.test(path));
    if (!route) return next();
    route.handle(req, res, next).catch(next);
  };
}
