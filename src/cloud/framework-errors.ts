import { randomUUID } from 'node:crypto';
import { STATUS_CODES, maxHeaderSize } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody, sendError } from './http-errors';

/**
 * Errors fastify meets before a request reaches a route (a URL it cannot
 * decode): answered like every other error, with the request id.
 */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  // Set here: no route, so no onRequest hook ran.
  reply.header('x-request-id', request.id);
  if (error.code === 'FST_ERR_BAD_URL') {
    return reply.status(400).send(errorBody('bad_url', 'the URL path is not valid: expected each % to start an escape of UTF-8 bytes, like %20 or %C3%A9'));
  }
  return sendError(error, request, reply);
}

/** What Node's HTTP parser refused, as status, code and message. */
function refusalOf(error: ConnectionError): [number, string, string] {
  if (error.code === 'HPE_HEADER_OVERFLOW') return [431, 'too_large', `request headers larger than ${maxHeaderSize / 1024} KiB`];
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return [408, 'timeout', 'the request did not arrive in time'];
  return [400, 'bad_request', 'expected an HTTP/1.1 request; this one could not be parsed'];
}

/**
 * Requests Node's parser refuses never become fastify requests: the answer is
 * written on the socket, which is then closed (it cannot be read on from a
 * broken request). It carries a request id of its own, logged with the refusal.
 */
export function answerClientError(this: FastifyInstance, error: ConnectionError, socket: Socket): void {
  // Reset by the client: nobody is left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] = refusalOf(error);
  const requestId = randomUUID();
  this.log.info({ reqId: requestId, err: error }, `refused a request: ${message}`);
  if (socket.writable) {
    const body = JSON.stringify(errorBody(code, message));
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
