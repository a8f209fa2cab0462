import type { FastifyInstance } from 'fastify';
import type { EventStreams } from './event-streams';
import { HttpError } from './http-errors';

export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

/**
 * Graceful shutdown. Closing the server lets requests in flight finish; their
 * answers say `connection: close`. A request arriving meanwhile (on a
 * connection opened before) gets 503 `unavailable`. Event streams never
 * finish on their own, so they are ended (their clients reconnect to another
 * process). Once nothing is in flight every connection left is idle, or was
 * opened and never used (Node leaves those to the keep-alive timeout, over a
 * minute), so all are closed then; `graceMs` after the start they are closed
 * whatever is still running.
 */
export function closeGracefully(app: FastifyInstance, eventStreams: EventStreams, graceMs: number): void {
  let closing = false;
  let inFlight = 0;
  const closeConnectionsIfDrained = () => {
    if (closing && inFlight === 0) app.server.closeAllConnections();
  };
  app.addHook('onRequest', async (_request, reply) => {
    inFlight++;
    // `close` comes for every response, a hijacked event stream and a caller who hung up included.
    reply.raw.once('close', () => {
      inFlight--;
      closeConnectionsIfDrained();
    });
    // In place of fastify's return503OnClosing, whose answer is not the contract's shape and has no request id.
    if (closing) throw new HttpError(503, 'unavailable', 'this server is shutting down; retry, and another server (or this one, restarted) will answer');
  });
  app.addHook('preClose', async () => {
    closing = true;
    eventStreams.endAll();
    setTimeout(() => app.server.closeAllConnections(), graceMs).unref();
    closeConnectionsIfDrained();
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
}
