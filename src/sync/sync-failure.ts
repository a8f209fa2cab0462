/**
 * Why a request to the cloud failed, in the terms the worker acts on:
 * `offline` and `server` are retried with back-off, `unauthorized` stops
 * the worker until the instance is enrolled again, `upgrade` asks for a
 * newer app, `gone` asks for a replacement sync, `refused` is a request the
 * cloud will never accept as sent.
 */
export type FailureKind = 'offline' | 'server' | 'unauthorized' | 'upgrade' | 'gone' | 'refused';

export class SyncFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'SyncFailure';
  }

  get retryable(): boolean {
    return this.kind === 'offline' || this.kind === 'server';
  }
}
