import type { ServerResponse } from 'node:http';
import { HttpError } from './http-errors';

export interface EventStreamLimits {
  /** Streams one instance may hold at once; a newer one ends its oldest (a reconnect after a half-open connection). */
  perInstance: number;
  /** Streams this process holds at most; past it, new ones get 503 and the client keeps its schedule. */
  total: number;
}

export const DEFAULT_EVENT_STREAM_LIMITS: EventStreamLimits = { perInstance: 2, total: 5_000 };

/**
 * The event streams this process holds open. They never finish on their own,
 * so something has to bound them and end them: a cap per instance and in
 * all, and `endAll` for a shutdown (their clients reconnect to another
 * process).
 */
export class EventStreams {
  private readonly byInstance = new Map<string, ServerResponse[]>();
  private size = 0;
  /** Streams being set up (subscribing, reading the site): they count against the total too. */
  private pending = 0;

  constructor(private readonly limits: EventStreamLimits = DEFAULT_EVENT_STREAM_LIMITS) {}

  /** Streams open or being set up. */
  get count(): number {
    return this.size + this.pending;
  }

  /**
   * Takes a place for a stream about to be set up, or throws 503 when this
   * process holds all it may. Taken at once, before any await, so a storm of
   * reconnects after a restart cannot all pass the check at zero. Returns
   * what gives the place back: call it once the stream is added or failed.
   */
  reserve(): () => void {
    if (this.size + this.pending >= this.limits.total) {
      throw new HttpError(503, 'unavailable', 'this cloud holds as many live event streams as it may; the scheduled sync still works');
    }
    this.pending++;
    let reserved = true;
    return () => {
      if (reserved) this.pending--;
      reserved = false;
    };
  }

  add(instanceId: string, response: ServerResponse): void {
    const held = this.byInstance.get(instanceId) ?? [];
    held.push(response);
    this.byInstance.set(instanceId, held);
    this.size++;
    while (held.length > this.limits.perInstance) {
      const oldest = held[0];
      this.remove(instanceId, oldest);
      oldest.end();
    }
  }

  remove(instanceId: string, response: ServerResponse): void {
    const held = this.byInstance.get(instanceId);
    const index = held?.indexOf(response) ?? -1;
    if (!held || index < 0) return;
    held.splice(index, 1);
    this.size--;
    if (held.length === 0) this.byInstance.delete(instanceId);
  }

  endAll(): void {
    for (const held of [...this.byInstance.values()]) for (const response of [...held]) response.end();
  }
}
