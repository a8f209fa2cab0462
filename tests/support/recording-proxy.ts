import { createServer, request as httpRequest, type Server } from 'node:http';

/** A request the proxy keeps from the cloud until the test lets it go. */
export interface HeldRequest {
  /** Settles once the request has reached the proxy. */
  arrived: Promise<void>;
  /** Sends it on to the cloud. */
  release(): void;
}

interface Hold {
  urlPart: string;
  arrive: () => void;
  released: Promise<void>;
}

/**
 * An HTTP proxy in front of a test cloud. It records every push body exactly
 * as the client sent it and the encoding of every pull answer as the cloud
 * sent it, can forward a push yet cut the connection before the answer
 * reaches the client (a lost answer), can hold a request until the test
 * releases it (to do something between a request and its answer), and can
 * answer 500 for pushes carrying a given change (a cloud with a fault).
 */
export class RecordingProxy {
  readonly pushBodies: unknown[] = [];
  /** The Content-Encoding of each pull answer, null when it was sent plain. */
  readonly pullEncodings: (string | null)[] = [];
  private answersToDrop = 0;
  private failingMarker: string | null = null;
  private holds: Hold[] = [];
  private server: Server | null = null;
  url = '';

  constructor(private readonly target: string) {}

  /** The next `n` push answers are lost after the cloud has applied the push. */
  dropNextPushAnswers(n: number): void {
    this.answersToDrop = n;
  }

  /**
   * Every push whose body contains `marker` is answered 500 `internal` without reaching the cloud, as a cloud
   * with a fault on that change answers (its transaction applied none of the batch); null stops it.
   */
  failPushesCarrying(marker: string | null): void {
    this.failingMarker = marker;
  }

  /** Holds the next request whose path and query contain `urlPart`, e.g. `/sync/pull?since=50&` or `/sync/push`. */
  holdNext(urlPart: string): HeldRequest {
    let arrive!: () => void;
    let release!: () => void;
    const arrived = new Promise<void>((resolve) => (arrive = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    this.holds.push({ urlPart, arrive, released });
    return { arrived, release };
  }

  /** The hold this request meets, taken off the list: each holds one request. */
  private takeHold(url: string): Hold | undefined {
    const hold = this.holds.find((h) => url.includes(h.urlPart));
    this.holds = this.holds.filter((h) => h !== hold);
    return hold;
  }

  async start(): Promise<void> {
    const target = new URL(this.target);
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const hold = this.takeHold(req.url ?? '');
        hold?.arrive();
        await hold?.released;
        const body = Buffer.concat(chunks);
        const isPush = req.method === 'POST' && req.url?.endsWith('/sync/push');
        if (isPush) this.pushBodies.push(JSON.parse(body.toString('utf8')));
        if (isPush && this.failingMarker !== null && body.includes(this.failingMarker)) {
          res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'internal', message: 'internal server error' } }));
          return;
        }
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
