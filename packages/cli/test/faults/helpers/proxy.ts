import { connect, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  /** Cuts every open connection and refuses new ones (the port stays this proxy's). */
  down(): Promise<void>;
  /** Accepts again. */
  up(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A TCP proxy between a serving process and one of the machine's servers: the test takes the dependency away
 * without touching the shared server itself. Down, it resets open connections and refuses new ones.
 */
export async function startProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let port = 0;
  let server: Server;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer((client) => {
        const upstream = connect(targetPort, targetHost);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = (server.address() as { port: number }).port;
        resolve();
      });
    });
  await listen();
  const stop = async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.resetAndDestroy();
    });
  };
  return {
    get port() {
      return port;
    },
    down: stop,
    up: listen,
    close: stop,
  };
}

/** A proxy in front of the server `url` names, and the same URL pointed at the proxy (what a serving process gets). */
export async function proxyTo(url: string, defaultPort: number): Promise<{ proxy: TcpProxy; url: string }> {
  const target = new URL(url);
  const proxy = await startProxy(Number(target.port || defaultPort), target.hostname);
  target.port = String(proxy.port);
  return { proxy, url: target.href };
}
