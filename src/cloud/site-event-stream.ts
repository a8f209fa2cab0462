import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CloudDatabase } from '../db/cloud/cloud-database';
import { SiteEntity } from '../db/cloud/entities/site.entity';
import { isEnrolled } from './connected-sites';
import type { EventStreams } from './event-streams';
import { HttpError } from './http-errors';
import { versionFeedOf } from './version-feed';

/**
 * `GET /api/v1/sync/events`: server-sent events for the caller's site.
 * `ready` once the stream listens (with the site's latest version), then one
 * `version` per new version made by anyone but the caller, whichever server
 * process took the write. Every keep-alive first checks that the caller is
 * still enrolled, so a revoked token's stream ends within one interval.
 */
export async function streamSiteEvents(
  db: CloudDatabase,
  request: FastifyRequest,
  reply: FastifyReply,
  streams: EventStreams,
  keepAliveMs: number,
): Promise<void> {
  const { siteId, instanceId } = request.instance;
  const response = reply.raw;
  // An announcement or keep-alive may come after the stream was ended (evicted, revoked, shut down) but before it closed.
  const send = (event: string, data: object) => {
    if (!response.writableEnded) response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const unreserve = streams.reserve();
  try {
    await open();
  } finally {
    unreserve();
  }

  async function open(): Promise<void> {
    // Watched from the start: the caller may hang up while the subscription is being made, or may already have
    // (its close event then came before this handler and will not come again).
    let closed = response.destroyed;
    let release = () => {};
    response.on('close', () => {
      closed = true;
      release();
    });
    // A write to a connection that broke is reported here, then by 'close'; unheard, it would end the process.
    response.on('error', () => response.destroy());

    // Announcements that arrive before the headers are written wait here: writing them first would send
    // default headers, break the stream and leave the subscription behind.
    let early: object[] | null = [];
    let unsubscribe: () => void;
    try {
      unsubscribe = await versionFeedOf(db).subscribe(siteId, (announcement) => {
        if (announcement.by === instanceId) return;
        const data = { siteId, version: announcement.version };
        if (early) early.push(data);
        else send('version', data);
      });
    } catch {
      throw new HttpError(503, 'unavailable', 'live events are unavailable right now; the scheduled sync still works');
    }
    // Read after subscribing: a version committed in between is announced, never missed.
    const site = await db.read((r) => r.getRepository(SiteEntity).findOneBy({ siteId })).catch((error: unknown) => {
      unsubscribe();
      throw error;
    });
    if (closed) return unsubscribe();

    reply.hijack();
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-request-id': String(request.id),
      // nginx buffers responses unless told not to; a buffered event arrives late.
      'x-accel-buffering': 'no',
    });
    const keepAlive = setInterval(async () => {
      // A database hiccup is not a revocation: the stream goes on.
      const enrolled = await isEnrolled(db, instanceId).catch(() => true);
      if (closed || response.writableEnded) return;
      if (enrolled) response.write(': keep-alive\n\n');
      else response.end();
    }, keepAliveMs);
    release = () => {
      clearInterval(keepAlive);
      unsubscribe();
      streams.remove(instanceId, response);
    };
    streams.add(instanceId, response);
    send('ready', { siteId, latestVersion: site?.lastVersion ?? 0 });
    for (const data of early) send('version', data);
    early = null;
  }
}
