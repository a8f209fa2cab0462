import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { BRIDGE_SOCKET_PATH, MAX_BRIDGE_CALL_BYTES, bridgeCallSchema, type BridgeMessage } from '../contract/bridge';
import { ipcEvents, type IpcEvent } from '../contract/ipc';
import { ContractDispatcher } from './contract-dispatcher';
import { contractHandlers } from './contract-handlers';
import type { DesktopSession } from './desktop-session';

export interface BrowserBridgeOptions {
  session: DesktopSession;
  /** The `vite build` output to serve. */
  rendererDir: string;
  /** 0 picks a free port. */
  port: number;
  log?: (message: string) => void;
}

export interface BrowserBridge {
  /** The page's address, secret included: whoever has it can use this instance. */
  url: string;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

/** The same policy as the page's meta tag, plus what only a header can say (frame-ancestors). */
function securityHeaders(port: number): Record<string, string> {
  return {
    'content-security-policy': `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    'x-content-type-options': 'nosniff',
    // The secret is in the path: never send it to another site.
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  };
}

function sameSecret(given: string, secret: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * `sitesync ui`: the real renderer in any browser, talking to the real core
 * over the same contract as Electron's IPC. Bound to 127.0.0.1 only; every
 * page load and WebSocket upgrade must carry the per-run secret in its path,
 * name this host (against DNS rebinding) and, for the socket, come from this
 * page's origin.
 */
export async function startBrowserBridge(options: BrowserBridgeOptions): Promise<BrowserBridge> {
  const log = options.log ?? (() => {});
  const secret = randomBytes(24).toString('base64url');
  let port = options.port;
  const origins = () => [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
  const isOurHost = (request: IncomingMessage) => origins().includes(`http://${request.headers.host ?? ''}`);
  /** The path below the secret, or null when the secret is missing or wrong. */
  const pathBelowSecret = (request: IncomingMessage): string | null => {
    // A malformed request line or escape is anyone's to send: it is refused, it never throws in a listener.
    try {
      const path = new URL(request.url ?? '/', 'http://x').pathname;
      const [, given, ...rest] = path.split('/');
      return given !== undefined && sameSecret(given, secret) ? decodeURIComponent(rest.join('/')) : null;
    } catch {
      return null;
    }
  };

  const dispatcher = new ContractDispatcher(contractHandlers(options.session), (sender) => sender !== null && origins().includes(sender), log);

  const serveFile = (request: IncomingMessage, response: ServerResponse) => {
    const headers = securityHeaders(port);
    const below = isOurHost(request) ? pathBelowSecret(request) : null;
    if (below === null || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' }).end('Not found: open the address `sitesync ui` printed, secret included.\n');
      return;
    }
    const file = normalize(join(options.rendererDir, below || 'index.html'));
    let size: number;
    try {
      if (!file.startsWith(options.rendererDir + sep)) throw new Error('outside');
      const stat = statSync(file);
      if (!stat.isFile()) throw new Error('not a file');
      size = stat.size;
    } catch {
      response.writeHead(404, headers).end();
      return;
    }
    response.writeHead(200, { ...headers, 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': size });
    if (request.method === 'HEAD') response.end();
    else createReadStream(file).pipe(response);
  };

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_BRIDGE_CALL_BYTES });
  const refuseUpgrade = (socket: Duplex) => {
    socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  };

  const onConnection = (socket: WebSocket, origin: string) => {
    const send = (message: BridgeMessage) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    };
    const unsubscribes = (Object.keys(ipcEvents) as IpcEvent[]).map((event) => options.session.on(event, (payload) => send({ event, payload })));
    socket.on('close', () => unsubscribes.forEach((unsubscribe) => unsubscribe()));
    socket.on('message', async (data) => {
      let message: unknown;
      try {
        message = JSON.parse(data.toString());
      } catch {
        message = null;
      }
      const call = bridgeCallSchema.safeParse(message);
      if (!call.success) {
        log('closed a bridge socket that sent a malformed call');
        socket.close(1008, 'expected {id, channel, input}');
        return;
      }
      send({ id: call.data.id, outcome: await dispatcher.dispatch(call.data.channel, call.data.input, origin) });
    });
  };

  const server = createServer(serveFile);
  server.on('upgrade', (request, socket, head) => {
    const origin = request.headers.origin ?? null;
    const trusted = isOurHost(request) && pathBelowSecret(request) === BRIDGE_SOCKET_PATH && origin !== null && origins().includes(origin);
    if (!trusted) {
      log(`refused a bridge connection from ${origin ?? 'no origin'} to ${request.url?.replace(secret, '***')}`);
      refuseUpgrade(socket);
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => onConnection(ws, origin));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : options.port;

  return {
    url: `http://127.0.0.1:${port}/${secret}/`,
    async close() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
