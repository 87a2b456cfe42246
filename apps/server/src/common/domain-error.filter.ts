import { Catch, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, type DomainErrorKind } from './domain-error.js';

/** The one mapping of domain errors to HTTP. */
const STATUS: Record<DomainErrorKind, { status: number; error: string }> = {
  refused: { status: HttpStatus.BAD_REQUEST, error: 'Bad Request' },
  conflict: { status: HttpStatus.CONFLICT, error: 'Conflict' },
  limited: { status: HttpStatus.TOO_MANY_REQUESTS, error: 'Too Many Requests' },
};

export function httpStatusOf(error: DomainError): number {
  return STATUS[error.kind].status;
}

/** The JSON body of a domain error: Nest's usual shape plus the code. */
export function domainErrorBody(error: DomainError): { statusCode: number; error: string; message: string; code: string } {
  const { status, error: name } = STATUS[error.kind];
  return { statusCode: status, error: name, message: error.message, code: error.code };
}

/**
 * Global: a DomainError thrown anywhere below a controller becomes its status and
 * `{statusCode, error, message, code}`. Portal routes have their own filter (HTML pages by code).
 */
@Catch(DomainError)
export class DomainErrorFilter implements ExceptionFilter {
  catch(error: DomainError, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    res.status(httpStatusOf(error)).json(domainErrorBody(error));
  }
}
