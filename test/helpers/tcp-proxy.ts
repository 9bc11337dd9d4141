import { connect, createServer, type Server, type Socket } from 'node:net';

/** A TCP proxy on loopback in front of a real server, which a test can cut and restore: a network outage on demand. */
export interface TcpProxy {
  port: number;
  /** The local ports of the proxy's connections to the target (PostgreSQL's pg_stat_activity.client_port). */
  upstreamPorts(): number[];
  /** Stops listening and drops every connection, both ways: the target looks gone. */
  cut(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<{ client: Socket; upstream: Socket }>();
  let server: Server | undefined;
  const listen = (port: number) => new Promise<number>((resolve, reject) => {
    const next = createServer((client) => {
      const upstream = connect(target.port, target.host);
      const pair = { client, upstream };
      pairs.add(pair);
      const drop = () => {
        pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    next.once('error', reject);
    next.listen(port, '127.0.0.1', () => {
      server = next;
      const address = next.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
  const stop = () => new Promise<void>((resolve) => {
    for (const { client, upstream } of pairs) {
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
    if (!server) return resolve();
    server.close(() => resolve());
    server = undefined;
  });
  const port = await listen(0);
  return {
    port,
    upstreamPorts: () => [...pairs].map(({ upstream }) => upstream.localPort).filter((p): p is number => p !== undefined),
    cut: stop,
    restore: async () => {
      await listen(port);
    },
    close: stop,
  };
}
