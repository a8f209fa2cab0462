import { once } from 'node:events';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP forwarder on 127.0.0.1 to another port, which a test can cut (every
 * connection dropped, new ones refused) and open again on the same port: a
 * database that goes away and comes back, as a server process sees it.
 */
export interface TcpForwarder {
  port: number;
  cut(): Promise<void>;
  reopen(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpForwarder(targetPort: number): Promise<TcpForwarder> {
  const sockets = new Set<Socket>();
  const listen = async (port: number): Promise<Server> => {
    const server = createServer((client) => {
      const upstream = connect(targetPort, '127.0.0.1');
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
    });
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    return server;
  };
  let server: Server | null = await listen(0);
  const port = (server.address() as AddressInfo).port;
  const cut = async () => {
    if (!server) return;
    const closed = new Promise((resolve) => server!.close(resolve));
    for (const socket of sockets) socket.destroy();
    await closed;
    server = null;
  };
  return {
    port,
    cut,
    async reopen() {
      server ??= await listen(port);
    },
    close: cut,
  };
}
