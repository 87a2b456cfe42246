import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/**
 * The fields of a posted HTML form. A request without a readable body (no or another content type)
 * gives an empty form rather than `undefined`, so a page answers it like an empty submission (400
 * with the form's errors) instead of failing.
 */
export const FormBody = createParamDecorator((_: unknown, ctx: ExecutionContext): Record<string, unknown> => {
  const body = ctx.switchToHttp().getRequest<Request>().body as unknown;
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
});
