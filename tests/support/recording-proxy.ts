import { createServer, request as httpRequest, type Server } from 'node:http';

/**
 * An HTTP proxy in front of a test cloud. It records every push body exactly
 * as the client sent it and the encoding of every pull answer as the cloud
 * sent it, and can forward a push yet cut the connection before the answer
 * reaches the client (a lost answer).
 */
export class RecordingProxy {
  readonly pushBodies: unknown[] = [];
  /** The Content-Encoding of each pull answer, null when it was sent plain. */
  readonly pullEncodings: (string | null)[] = [];
  private answersToDrop = 0;
  private server: Server | null = null;
  url = '';

  constructor(private readonly target: string) {}

  /** The next `n` push answers are lost after the cloud has applied the push. */
  dropNextPushAnswers(n: number): void {
    this.answersToDrop = n;
  }

  async start(): Promise<void> {
    const target = new URL(this.target);
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const isPush = req.method === 'POST' && req.url?.endsWith('/sync/push');
        if (isPush) this.pushBodies.push(JSON.parse(body.toString('utf8')));
        const forward = httpRequest(
          { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
          (upstream) => {
            const drop = isPush && this.answersToDrop > 0;
            if (drop) {
              this.answersToDrop--;
              upstream.resume();
              upstream.on('end', () => req.socket.destroy());
              return;
            }
            if (req.url?.includes('/sync/pull')) this.pullEncodings.push(upstream.headers['content-encoding'] ?? null);
            res.writeHead(upstream.statusCode ?? 502, upstream.headers);
            upstream.pipe(res);
          },
        );
        forward.on('error', () => req.socket.destroy());
        forward.end(body);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
