import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorBody } from '../contract/sync-http';
import { NotFoundError } from '../domain/not-found-error';
import { ValidationError } from '../domain/validation-error';
import { isDatabaseUnavailable } from './database-unavailable';

/** An error whose status and code are meant for the caller. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

/** What the caller is told of a failure: a stack trace, or any detail of a fault of ours, never leaves the server. */
export function httpFailureOf(error: FastifyError | Error): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof ValidationError) return new HttpError(400, 'invalid', error.message);
  if (error instanceof NotFoundError) return new HttpError(404, 'not_found', error.message);
  const status = (error as FastifyError).statusCode;
  if (status === 413) return new HttpError(413, 'too_large', 'request body too large');
  if (status === 429) return new HttpError(429, 'rate_limited', error.message);
  if (status !== undefined && status >= 400 && status < 500) {
    const code = (error as FastifyError).code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError ? 'bad_json' : 'bad_request';
    return new HttpError(status, code, error.message);
  }
  if (isDatabaseUnavailable(error)) return new HttpError(503, 'unavailable', 'the cloud database does not answer; retry in a few seconds', { 'retry-after': '5' });
  return new HttpError(500, 'internal', 'internal server error');
}

/** Every failure answers `{ error: { code, message } }`. */
export function sendError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  const failure = httpFailureOf(error);
  // A fault of ours or of the database: logged whole here, since the caller is told nothing of it.
  if (failure.statusCode >= 500 && !(error instanceof HttpError)) request.log.error({ err: error }, 'request failed');
  return reply.status(failure.statusCode).headers(failure.headers).send(errorBody(failure.code, failure.message));
}
