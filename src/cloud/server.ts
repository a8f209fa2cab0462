import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import compress from '@fastify/compress';
import rateLimit from '@fastify/rate-limit';
import type { z } from 'zod';
import {
  APP_VERSION_HEADER,
  EVENTS_KEEP_ALIVE_MS,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  pullQuerySchema,
  pushRequestSchema,
  type StatusResponse,
} from '../contract/sync-http';
import { issuesOf } from '../domain/validation';
import { ValidationError } from '../domain/validation-error';
import { systemClock, isoNow, type Clock } from '../domain/clock';
import type { CloudDatabase } from '../db/cloud/cloud-database';
import type { ConnectedSite } from '../db/cloud/entities/connected-site.entity';
import { applyPushBatch } from './apply-push';
import { readCloudId } from './cloud-identity';
import { authenticate, recordVisit, viewOf } from './connected-sites';
import { EventStreams, type EventStreamLimits } from './event-streams';
import { closeGracefully, DEFAULT_SHUTDOWN_GRACE_MS } from './graceful-close';
import { FailedAuthLimiter, type FailedAuthLimits } from './failed-auth-limiter';
import { answerClientError, answerFrameworkError } from './framework-errors';
import { registerHealthRoutes } from './health-routes';
import { HttpError, httpFailureOf, sendError } from './http-errors';
import { BROTLI_OPTIONS, COMPRESSION_THRESHOLD_BYTES, GZIP_OPTIONS, PullAnswerWriter, pullAnswerEncoding } from './pull-answer';
import { RecentChanges } from './recent-changes';
import { siteCounts } from './site-counts';
import { streamSiteEvents } from './site-event-stream';

export interface CloudServerOptions {
  db: CloudDatabase;
  clock?: Clock;
  logger?: FastifyServerOptions['logger'];
  /** Requests per minute per token. */
  rateLimitPerMinute?: number;
  bodyLimitBytes?: number;
  /** Trust X-Forwarded-For from a reverse proxy (see docs/operations.md). */
  trustProxy?: boolean;
  eventStreamLimits?: EventStreamLimits;
  failedAuthLimits?: FailedAuthLimits;
  /** How long a shutdown waits for requests in flight before it closes their connections. */
  shutdownGraceMs?: number;
  /** How often an idle event stream says it is alive (and checks its caller is still enrolled). */
  eventKeepAliveMs?: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    instance: ConnectedSite;
  }
}

/** `root` names the whole value in a refusal: `(body)` or `(query)`. */
function parse<S extends z.ZodType>(schema: S, value: unknown, root: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(issuesOf(result.error, root));
  return result.data;
}

export const DEFAULT_BODY_LIMIT_BYTES = 8 * 1024 * 1024;
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 1200;

/** A load balancer's X-Request-Id, when it looks like one, ties its log lines to ours; otherwise a fresh UUID. */
function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && /^[\w.:-]{1,64}$/.test(given) ? given : randomUUID();
}

function bearerToken(request: FastifyRequest): string | null {
  // The scheme's name is case-insensitive (RFC 9110 §11.1): `bearer` is as good as `Bearer`.
  const match = /^Bearer +(\S+)$/i.exec(request.headers.authorization ?? '');
  return match ? match[1] : null;
}

/** The cloud's HTTP API (DESIGN §4). */
export async function buildCloudServer(options: CloudServerOptions): Promise<FastifyInstance> {
  const { db } = options;
  const clock = options.clock ?? systemClock;
  const cloudId = await readCloudId(db);
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    // One hop: the address the proxy appended to X-Forwarded-For. Entries before it are the client's word.
    trustProxy: options.trustProxy ? (_address: string, hop: number) => hop === 0 : false,
    genReqId: requestIdOf,
    // What fastify and Node would answer in a shape of their own is answered in the contract's;
    // closeGracefully refuses the requests that arrive during a shutdown.
    return503OnClosing: false,
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.decorateRequest('instance', null as unknown as ConnectedSite);
  app.setErrorHandler(sendError);
  app.setNotFoundHandler((request, reply) => reply.status(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url}` } }));

  // Compresses every answer but pull pages (PullAnswerWriter does those, decision 36), in one call up to
  // 1 MiB: the plugin's streaming path, through the thread pool, cost more CPU (decision 34). Push bodies
  // stay plain: no request decompression, so the body limit is a limit on what the server holds.
  await app.register(compress, {
    encodings: ['br', 'gzip'],
    brotliOptions: BROTLI_OPTIONS,
    zlibOptions: GZIP_OPTIONS,
    threshold: COMPRESSION_THRESHOLD_BYTES,
    syncThreshold: 1024 * 1024,
    globalDecompression: false,
  });

  const eventStreams = new EventStreams(options.eventStreamLimits);
  closeGracefully(app, eventStreams, options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS);
  const recentChanges = new RecentChanges(db);
  registerHealthRoutes(app, db, eventStreams, recentChanges);

  const failedAuth = new FailedAuthLimiter(options.failedAuthLimits);
  await app.register(
    async (sync) => {
      sync.addHook('onRequest', async (request) => {
        const protocol = Number(request.headers[PROTOCOL_HEADER]);
        if (!Number.isInteger(protocol) || protocol < PROTOCOL_VERSION) {
          throw new HttpError(426, 'upgrade_required', `this cloud speaks protocol ${PROTOCOL_VERSION}: update the app`);
        }
        if (protocol > PROTOCOL_VERSION) throw new HttpError(400, 'unsupported_protocol', `this cloud speaks protocol ${PROTOCOL_VERSION}, the app sent ${protocol}`);
        failedAuth.check(request.ip);
        const token = bearerToken(request);
        const instance = token ? await authenticate(db, token) : null;
        if (!instance) {
          failedAuth.recordFailure(request.ip);
          throw new HttpError(401, 'unauthorized', 'unknown or revoked token: enrol this instance again');
        }
        request.instance = instance;
      });
      await sync.register(rateLimit, {
        max: options.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE,
        timeWindow: 60_000,
        keyGenerator: (request) => request.instance?.instanceId ?? request.ip,
        errorResponseBuilder: (_request, context) => new HttpError(429, 'rate_limited', `more than ${context.max} requests a minute from this instance; retry in ${context.after}`),
      });

      const visit = (request: FastifyRequest) => ({ at: isoNow(clock), ip: request.ip, appVersion: (request.headers[APP_VERSION_HEADER] as string | undefined)?.slice(0, 40) ?? null });

      // An operator sees an instance's failing requests in `cloud sites` (lastError, cleared by its next push or
      // pull that works). Not for 429: a refusal for too many requests must not cost a write each.
      sync.addHook('onError', async (request, _reply, error) => {
        const failure = httpFailureOf(error);
        if (!request.instance || failure.statusCode === 429) return;
        const lastError = `${failure.statusCode} ${failure.code}: ${failure.message}`.slice(0, 1000);
        await recordVisit(db, request.instance, { ...visit(request), error: lastError }).catch((err: unknown) => request.log.warn({ err }, 'the failed request could not be recorded'));
      });

      sync.post('/push', async (request) => {
        const body = parse(pushRequestSchema, request.body, '(body)');
        // The visit and its audit row commit with the push.
        return applyPushBatch(db, request.instance, body, isoNow(clock), (tx, response) =>
          recordVisit(
            db,
            request.instance,
            {
              ...visit(request),
              direction: 'push',
              applied: response.applied,
              error: null,
              audit: {
                status: response.rejected || response.conflicts ? 'partial' : 'ok',
                received: body.changes.length,
                sent: 0,
                applied: response.applied,
                conflicts: response.conflicts,
                rejected: response.rejected,
                error: null,
              },
            },
            tx,
          ),
        );
      });

      // GET only: fastify would answer HEAD by running the handler, so a HEAD counted as a pull, opened a stream or recorded a visit.
      const getOnly = { exposeHeadRoute: false };
      const pullAnswers = new PullAnswerWriter();
      // Not through @fastify/compress: the writer compresses the page from its reused buffer (decision 36).
      sync.get('/pull', { ...getOnly, compress: false }, async (request, reply) => {
        const query = parse(pullQuerySchema, request.query, '(query)');
        const page = await recentChanges.page(request.instance.siteId, query.since, query.limit);
        await recordVisit(db, request.instance, {
          ...visit(request),
          direction: 'pull',
          error: null,
          audit: { status: 'ok', received: 0, sent: page.changeJson.length, applied: 0, conflicts: 0, rejected: 0, error: null },
        });
        const answer = pullAnswers.write(page, pullAnswerEncoding(request.headers['accept-encoding']));
        if (answer.encoding !== 'identity') reply.header('content-encoding', answer.encoding);
        return reply.type('application/json; charset=utf-8').header('vary', 'accept-encoding').send(answer.body);
      });

      sync.get('/events', getOnly, async (request, reply) => {
        await recordVisit(db, request.instance, visit(request));
        await streamSiteEvents(db, request, reply, eventStreams, options.eventKeepAliveMs ?? EVENTS_KEEP_ALIVE_MS);
      });

      sync.get('/status', getOnly, async (request): Promise<StatusResponse> => {
        await recordVisit(db, request.instance, visit(request));
        const instance = (await authenticate(db, bearerToken(request)!)) ?? request.instance;
        return { cloudId, serverTime: isoNow(clock), protocol: PROTOCOL_VERSION, instance: viewOf(instance), site: await siteCounts(db, instance.siteId) };
      });
    },
    { prefix: '/api/v1/sync' },
  );
  return app;
}
