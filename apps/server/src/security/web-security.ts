import type { Express, RequestHandler } from 'express';
import type { Env } from '../config/env.config.js';
import { originCheckMiddleware } from './origin-check.middleware.js';
import { securityHeaders } from './security-headers.js';

const FIRST = Symbol('amtszeit.web-security');

/**
 * Security headers and the cross-site check, in front of everything the server answers. The admin
 * panel's loader moves its router to the front of Express's stack (behind `expressInit`, so that
 * Nest's body parsers come after it); `hoistWebSecurity` then puts these handlers before it again,
 * so no route of any kind is served without them (fast routes, in `front`, set them themselves).
 */
export function useWebSecurity(app: Express, env: Env, front: RequestHandler[] = []): void {
  // `front` (fast routes) answers before these: it sets the same headers itself, and refuses any
  // method the origin check would look at.
  for (const handler of [...front, ...securityHeaders(), originCheckMiddleware({ publicBaseUrl: env.PUBLIC_BASE_URL, trustProxy: env.TRUST_PROXY })]) {
    (handler as RequestHandler & { [FIRST]?: true })[FIRST] = true;
    app.use(handler);
  }
}

/** Call after the application is initialised (all routers mounted). */
export function hoistWebSecurity(app: Express): void {
  const stack = (app as unknown as { router?: { stack: Array<{ name: string; handle: { [FIRST]?: true } }> } }).router?.stack;
  if (!stack) throw new Error('Express router not found: cannot order the security middleware');
  const ours = stack.filter((layer) => layer.handle[FIRST]);
  const rest = stack.filter((layer) => !layer.handle[FIRST]);
  const at = rest.findIndex((layer) => layer.name === 'expressInit') + 1;
  stack.splice(0, stack.length, ...rest.slice(0, at), ...ours, ...rest.slice(at));
}
