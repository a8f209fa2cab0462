import ipaddr from 'ipaddr.js';
import { HttpError } from './http-errors';

export interface FailedAuthLimits {
  /** Refused tokens one address may present per window before it is told to wait. */
  max: number;
  windowMs: number;
}

export const DEFAULT_FAILED_AUTH_LIMITS: FailedAuthLimits = { max: 30, windowMs: 60_000 };
/** Addresses remembered at most: a guesser rotating addresses costs this much memory, no more. */
const MAX_ADDRESSES = 10_000;

/** Who is counted: an IPv4 address, or an IPv6 /64 (one subscriber's network: rotating within it is free). */
function counted(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  return `${(parsed as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16)).join(':')}::/64`;
}

/**
 * Counts refused tokens per client address. The per-token rate limit cannot
 * see these requests (they have no instance), so without this a guesser could
 * make the database look tokens up as fast as it can send. Per process: behind
 * a balancer each process counts its share.
 */
export class FailedAuthLimiter {
  private readonly failures = new Map<string, { count: number; since: number }>();
  private lastSweep = 0;

  constructor(
    private readonly limits: FailedAuthLimits = DEFAULT_FAILED_AUTH_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Addresses (IPv6: networks) counted now. */
  get size(): number {
    return this.failures.size;
  }

  /** Throws 429 while `address` has used up its refusals for the window. */
  check(address: string): void {
    const entry = this.current(counted(address));
    if (entry && entry.count >= this.limits.max) {
      const seconds = Math.ceil((entry.since + this.limits.windowMs - this.now()) / 1000);
      throw new HttpError(429, 'rate_limited', `too many refused tokens from this address; retry in ${seconds} s`, { 'retry-after': String(seconds) });
    }
  }

  recordFailure(address: string): void {
    const key = counted(address);
    const entry = this.current(key);
    if (entry) entry.count++;
    else this.failures.set(key, { count: 1, since: this.now() });
    if (this.failures.size > MAX_ADDRESSES) this.shrink();
  }

  private current(address: string): { count: number; since: number } | undefined {
    const entry = this.failures.get(address);
    if (entry && this.now() - entry.since >= this.limits.windowMs) {
      this.failures.delete(address);
      return undefined;
    }
    return entry;
  }

  /** Forgets expired entries (a full sweep at most once a window), then the oldest while still over the cap. */
  private shrink(): void {
    if (this.now() - this.lastSweep >= this.limits.windowMs) {
      this.lastSweep = this.now();
      for (const address of [...this.failures.keys()]) this.current(address);
    }
    for (const oldest of this.failures.keys()) {
      if (this.failures.size <= MAX_ADDRESSES) break;
      this.failures.delete(oldest);
    }
  }
}
