import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorBody } from '../contract/sync-http';
import { NotFoundError } from '../domain/not-found-error';
import { ValidationError } from '../domain/validation-error';

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

/** Every failure answers `{ error: { code, message } }`; a stack trace never leaves the server. */
export function sendError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof HttpError) return reply.status(error.statusCode).headers(error.headers).send(errorBody(error.code, error.message));
  if (error instanceof ValidationError) return reply.status(400).send(errorBody('invalid', error.message));
  if (error instanceof NotFoundError) return reply.status(404).send(errorBody('not_found', error.message));
  const status = (error as FastifyError).statusCode;
  if (status === 413) return reply.status(413).send(errorBody('too_large', 'request body too large'));
  if (status === 429) return reply.status(429).send(errorBody('rate_limited', error.message));
  if (status !== undefined && status >= 400 && status < 500) {
    const code = (error as FastifyError).code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError ? 'bad_json' : 'bad_request';
    return reply.status(status).send(errorBody(code, error.message));
  }
  request.log.error({ err: error }, 'request failed');
  return reply.status(500).send(errorBody('internal', 'internal server error'));
}
