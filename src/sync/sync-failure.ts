/**
 * Why a request to the cloud failed, in the terms the worker acts on:
 * `offline` and `server` are retried with back-off, `unauthorized` stops
 * the worker until the instance is enrolled again, `upgrade` asks for a
 * newer app, `gone` asks for a replacement sync, `refused` is a request the
 * cloud will never accept as sent.
 */
export type FailureKind = 'offline' | 'server' | 'unauthorized' | 'upgrade' | 'gone' | 'refused';

/** Node's codes for a server certificate this machine does not trust: self-signed, expired, another host's, an unknown CA. */
const UNTRUSTED_CERTIFICATE_CODES = /^(CERT_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_VERIFY_LEAF_SIGNATURE$|UNABLE_TO_GET_ISSUER_CERT|ERR_TLS_CERT_ALTNAME_INVALID$)/;

/** Whether a transport error code means: something answered, with a certificate this machine does not trust. */
export function isUntrustedCertificate(code: string | undefined): boolean {
  return code !== undefined && UNTRUSTED_CERTIFICATE_CODES.test(code);
}

export class SyncFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly status?: number,
    /** The transport's error code when no answer came (ECONNREFUSED, CERT_HAS_EXPIRED, ...). */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'SyncFailure';
  }

  get untrustedCertificate(): boolean {
    return isUntrustedCertificate(this.code);
  }

  /** No answer within the client's time-out: asking again at once would make the person wait as long again. */
  get timedOut(): boolean {
    return this.code === 'ECONNABORTED' || this.code === 'ETIMEDOUT';
  }

  get retryable(): boolean {
    return this.kind === 'offline' || this.kind === 'server';
  }
}
