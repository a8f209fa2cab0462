import type { FastifyInstance } from 'fastify';
import type { CloudDatabase } from '../db/cloud/cloud-database';
import type { EventStreams } from './event-streams';
import { errorBody } from './http-errors';
import type { RecentChanges } from './recent-changes';

/**
 * For load balancers and orchestrators, no token needed. `/healthz`: the
 * process answers (restart it if not). `/readyz`: it can serve, meaning its
 * database answers; while shutting down every request, this one included,
 * gets 503, so the balancer stops sending traffic before the process goes.
 * It also says how many live event streams the process holds and what its
 * window of recent changes has done (operations.md, Memory).
 */
export function registerHealthRoutes(app: FastifyInstance, db: CloudDatabase, eventStreams: EventStreams, recentChanges: RecentChanges): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (request, reply) => {
    try {
      await db.read((r) => r.query('SELECT 1'));
      return { status: 'ready', database: db.dialect, eventStreams: eventStreams.count, recentChanges: recentChanges.stats };
    } catch (error) {
      request.log.warn({ err: error }, 'readiness check: the database does not answer');
      return reply.status(503).send(errorBody('not_ready', 'the database does not answer'));
    }
  });
}
