import { HttpError } from './http-errors';

export interface FailedAuthLimits {
  /** Refused tokens one address may present per window before it is told to wait. */
  max: number;
  windowMs: number;
}

export const DEFAULT_FAILED_AUTH_LIMITS: FailedAuthLimits = { max: 30, windowMs: 60_000 };

/**
 * Counts refused tokens per client address. The per-token rate limit cannot
 * see these requests (they have no instance), so without this a guesser could
 * make the database look tokens up as fast as it can send. Per process: behind
 * a balancer each process counts its share.
 */
export class FailedAuthLimiter {
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(
    private readonly limits: FailedAuthLimits = DEFAULT_FAILED_AUTH_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws 429 while `address` has used up its refusals for the window. */
  check(address: string): void {
    const entry = this.current(address);
    if (entry && entry.count >= this.limits.max) {
      const seconds = Math.ceil((entry.since + this.limits.windowMs - this.now()) / 1000);
      throw new HttpError(429, 'rate_limited', `too many refused tokens from this address; retry in ${seconds} s`, { 'retry-after': String(seconds) });
    }
  }

  recordFailure(address: string): void {
    const entry = this.current(address);
    if (entry) entry.count++;
    else this.failures.set(address, { count: 1, since: this.now() });
    if (this.failures.size > 10_000) this.forgetExpired();
  }

  private current(address: string): { count: number; since: number } | undefined {
    const entry = this.failures.get(address);
    if (entry && this.now() - entry.since >= this.limits.windowMs) {
      this.failures.delete(address);
      return undefined;
    }
    return entry;
  }

  private forgetExpired(): void {
    for (const address of [...this.failures.keys()]) this.current(address);
  }
}
