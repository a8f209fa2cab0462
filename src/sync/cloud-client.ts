import axios, { type AxiosInstance } from 'axios';
import { randomUUID } from 'node:crypto';
import { Agent } from 'node:https';
import { rootCertificates } from 'node:tls';
import type { z } from 'zod';
import {
  APP_VERSION_HEADER,
  EVENTS_KEEP_ALIVE_MS,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  errorBodySchema,
  pullResponseSchema,
  pushResponseSchema,
  statusResponseSchema,
  type PullResponse,
  type PushChange,
  type PushResponse,
  type StatusResponse,
} from '../contract/sync-http';
import { APP_VERSION } from '../app/version';
import { SyncFailure, isUntrustedCertificate, type FailureKind } from './sync-failure';

export interface CloudClientOptions {
  baseUrl: string;
  token: string;
  timeoutMs?: number;
  /** Pauses before re-sending a push batch (same batchId) after a transport or 5xx failure. */
  retryDelaysMs?: number[];
  /** Cancels the request in flight and every later one: a stopped sync does not wait for a cloud that stopped answering. */
  signal?: AbortSignal;
  /** A private CA's certificates (PEM), trusted besides Node's roots (trusted-certificates.ts). */
  extraCertificates?: string[];
}

function failureOf(error: unknown): SyncFailure {
  if (error instanceof SyncFailure) return error;
  if (axios.isCancel(error)) return new SyncFailure('offline', 'stopped before the cloud answered: the sync was stopped');
  if (!axios.isAxiosError(error)) return new SyncFailure('refused', error instanceof Error ? error.message : String(error));
  const status = error.response?.status;
  if (error.code === 'ERR_BAD_RESPONSE' && status === undefined) return new SyncFailure('server', `cloud answer refused: ${error.message}`);
  if (status === undefined) {
    const why = isUntrustedCertificate(error.code)
      ? `its TLS certificate is not trusted (${error.code})`
      : error.code === 'ECONNABORTED' && error.config?.timeout
        ? `no answer within ${error.config.timeout / 1000} s (timed out)`
        : (error.code ?? error.message);
    return new SyncFailure('offline', `cloud unreachable: ${why}`, undefined, error.code);
  }
  const parsed = errorBodySchema.safeParse(error.response?.data);
  const message = parsed.success ? parsed.data.error.message : `HTTP ${status}`;
  const kind: FailureKind =
    status === 401 ? 'unauthorized' : status === 426 ? 'upgrade' : status === 410 ? 'gone' : status >= 500 || status === 429 ? 'server' : 'refused';
  return new SyncFailure(kind, `cloud answered ${status}: ${message}`, status);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The most an answer may hold once decompressed. Answers come compressed, so
 * a few kilobytes could otherwise inflate until the app runs out of memory.
 * The largest page the app asks for (2,000 devices, every field at its
 * longest and escaped) stays under half of it.
 */
export const MAX_ANSWER_BYTES = 128 * 1024 * 1024;

/** The HTTP side of the protocol (DESIGN §4); every answer is checked against the contract's schemas. */
export class CloudClient {
  private readonly http: AxiosInstance;
  private readonly retryDelaysMs: number[];
  private readonly signal?: AbortSignal;

  constructor(options: CloudClientOptions) {
    this.http = axios.create({
      baseURL: `${options.baseUrl.replace(/\/+$/, '')}/api/v1/sync`,
      timeout: options.timeoutMs ?? 30_000,
      headers: {
        authorization: `Bearer ${options.token}`,
        [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
        [APP_VERSION_HEADER]: APP_VERSION,
      },
      // Follow no redirects: a token is never replayed to another origin.
      maxRedirects: 0,
      maxContentLength: MAX_ANSWER_BYTES,
      signal: options.signal,
      httpsAgent: options.extraCertificates === undefined ? undefined : new Agent({ ca: [...rootCertificates, ...options.extraCertificates] }),
    });
    this.retryDelaysMs = options.retryDelaysMs ?? [250, 1000];
    this.signal = options.signal;
  }

  private async request<S extends z.ZodType>(schema: S, send: () => Promise<{ data: unknown }>): Promise<z.infer<S>> {
    let response: { data: unknown };
    try {
      response = await send();
    } catch (error) {
      throw failureOf(error);
    }
    const parsed = schema.safeParse(response.data);
    if (!parsed.success) throw new SyncFailure('server', `cloud answer does not match the protocol: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  }

  /**
   * Sends one batch; a dropped connection or a 5xx re-sends the same batchId, which the cloud answers from its
   * record. A time-out does not: the batch waits in the outbox for the next run instead of the person waiting again.
   */
  async push(changes: PushChange[], batchId: string = randomUUID()): Promise<PushResponse> {
    const body = { batchId, changes };
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.request(pushResponseSchema, () => this.http.post('/push', body));
      } catch (error) {
        const failure = failureOf(error);
        if (!failure.retryable || failure.timedOut || attempt >= this.retryDelaysMs.length || this.signal?.aborted) throw failure;
        await sleep(this.retryDelaysMs[attempt]);
      }
    }
  }

  pull(since: number, limit: number): Promise<PullResponse> {
    return this.request(pullResponseSchema, () => this.http.get('/pull', { params: { since, limit } }));
  }

  /**
   * Opens the site's live stream (server-sent events) as raw chunks. Three
   * missed keep-alives in a row end it as `offline`: a half-open connection
   * must not look like a quiet site.
   */
  async events(signal: AbortSignal): Promise<AsyncIterable<Buffer>> {
    try {
      const response = await this.http.get('/events', { responseType: 'stream', signal, timeout: 3 * EVENTS_KEEP_ALIVE_MS, headers: { accept: 'text/event-stream' } });
      return response.data as AsyncIterable<Buffer>;
    } catch (error) {
      throw failureOf(error);
    }
  }

  status(): Promise<StatusResponse> {
    return this.request(statusResponseSchema, () => this.http.get('/status'));
  }
}
