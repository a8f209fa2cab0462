import { Agent, request } from 'node:http';
import { randomUUID } from 'node:crypto';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { PROTOCOL_HEADER, PROTOCOL_VERSION, type PullResponse, type PushChange, type PushResponse } from '../src/contract/sync-http';

/**
 * Push and pull as the load generator speaks them: one keep-alive
 * connection, compressed answers as the desktop client asks for them, and
 * JSON.parse, without the desktop client's axios and schema checks. The
 * generator shares the cloud's two cores, so what it spends on checking
 * answers is taken from the server it measures; the benchmark's final
 * comparison of every replica with the cloud checks the answers instead.
 */
export class LeanSyncClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  private readonly base: URL;

  constructor(
    baseUrl: string,
    private readonly token: string,
  ) {
    this.base = new URL('/api/v1/sync/', baseUrl);
  }

  push(changes: PushChange[]): Promise<PushResponse> {
    return this.send('POST', 'push', JSON.stringify({ batchId: randomUUID(), changes }));
  }

  pull(since: number, limit: number): Promise<PullResponse> {
    return this.send('GET', `pull?since=${since}&limit=${limit}`);
  }

  close(): void {
    this.agent.destroy();
  }

  private send<T>(method: string, path: string, body?: string): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, [PROTOCOL_HEADER]: String(PROTOCOL_VERSION), 'accept-encoding': 'br, gzip' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return new Promise((resolve, reject) => {
      const call = request(new URL(path, this.base), { method, headers, agent: this.agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const body = Buffer.concat(chunks);
          const encoding = response.headers['content-encoding'];
          const text = (encoding === 'br' ? brotliDecompressSync(body) : encoding === 'gzip' ? gunzipSync(body) : body).toString('utf8');
          if (response.statusCode === 200) resolve(JSON.parse(text) as T);
          else reject(new Error(`${method} ${path}: HTTP ${response.statusCode} ${text.slice(0, 200)}`));
        });
      });
      call.on('error', reject);
      call.end(body);
    });
  }
}
