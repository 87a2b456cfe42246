import { Catch, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, domainErrorKind, type DomainErrorKind } from './domain-error.js';

/** The one mapping of domain errors to HTTP. */
const STATUS: Record<DomainErrorKind, { status: number; error: string }> = {
  refused: { status: HttpStatus.BAD_REQUEST, error: 'Bad Request' },
  conflict: { status: HttpStatus.CONFLICT, error: 'Conflict' },
  limited: { status: HttpStatus.TOO_MANY_REQUESTS, error: 'Too Many Requests' },
};

export function httpStatusOf(error: DomainError): number {
  return STATUS[error.kind].status;
}

/** The status of a code; an undeclared code counts as a refusal (400). */
export function httpStatusOfCode(code: string): number {
  return STATUS[domainErrorKind(code) ?? 'refused'].status;
}

/** The JSON body of a domain error: Nest's usual shape plus the code. */
export function domainErrorBody(error: DomainError): { statusCode: number; error: string; message: string; code: string } {
  const { status, error: name } = STATUS[error.kind];
  return { statusCode: status, error: name, message: error.message || name, code: error.code };
}

/**
 * Global: a DomainError thrown anywhere below a controller becomes its status and
 * `{statusCode, error, message, code}`. Portal routes have their own filter (HTML pages by code).
 * A code that neither the core nor a loaded plugin declares is a bug: it is logged and answered
 * as a refusal (400), never a crash.
 */
@Catch(DomainError)
export class DomainErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('DomainError');

  catch(error: DomainError, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (!domainErrorKind(error.code)) {
      this.logger.error(`Domain error code '${error.code}' is declared by neither the core nor a loaded plugin; answered as a refusal (400)`);
    }
    if (res.headersSent) return;
    res.status(httpStatusOf(error)).json(domainErrorBody(error));
  }
}
