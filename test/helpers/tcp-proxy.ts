import { connect, createServer, type Server, type Socket } from 'node:net';

/** A TCP proxy on loopback in front of a real server, which a test can cut and restore: a network outage on demand. */
export interface TcpProxy {
  port: number;
  /** The local ports of the proxy's connections to the target (PostgreSQL's pg_stat_activity.client_port). */
  upstreamPorts(): number[];
  /** Stops listening and drops every connection, both ways: the target looks gone. */
  cut(): Promise<void>;
  /**
   * Drops every connection, then takes new ones and forwards nothing on them: a host that accepts connections and
   * never answers (a hung server, a load balancer with no backend). restore() ends it.
   */
  stall(): Promise<void>;
  /**
   * The connections open now (those of `upstreamPorts` when given) stop forwarding, both ways, and stay open: a silent
   * partition (a NAT or firewall that dropped their state). New connections are forwarded as before; close() ends the
   * frozen ones.
   */
  freeze(upstreamPorts?: number[]): void;
  /** Forwards again on the same port (after cut() or stall()). */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<{ client: Socket; upstream: Socket }>();
  const stalled = new Set<Socket>();
  const frozen = new Set<Socket>();
  let server: Server | undefined;
  let stalling = false;
  const listen = (port: number) => new Promise<number>((resolve, reject) => {
    const next = createServer((client) => {
      if (stalling) {
        stalled.add(client);
        client.on('error', () => client.destroy()).on('close', () => stalled.delete(client));
        return;
      }
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
  const dropAll = () => {
    for (const { client, upstream } of pairs) {
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
    for (const client of stalled) client.destroy();
    stalled.clear();
    for (const socket of frozen) socket.destroy();
    frozen.clear();
  };
  const stop = () => new Promise<void>((resolve) => {
    stalling = false;
    dropAll();
    if (!server) return resolve();
    server.close(() => resolve());
    server = undefined;
  });
  const port = await listen(0);
  return {
    port,
    upstreamPorts: () => [...pairs].map(({ upstream }) => upstream.localPort).filter((p): p is number => p !== undefined),
    cut: stop,
    stall: async () => {
      stalling = true;
      dropAll();
    },
    freeze: (upstreamPorts) => {
      for (const pair of pairs) {
        const { client, upstream } = pair;
        if (upstreamPorts && !upstreamPorts.includes(upstream.localPort ?? -1)) continue;
        pairs.delete(pair);
        for (const socket of [client, upstream]) {
          socket.unpipe();
          socket.pause();
          frozen.add(socket);
        }
      }
    },
    restore: async () => {
      if (stalling) {
        stalling = false;
        for (const client of stalled) client.destroy();
        return;
      }
      await listen(port);
    },
    close: stop,
  };
}
