import { Agent, request } from 'node:http';

export interface FixedRateOptions {
  url: string;
  headers?: Record<string, string>;
  /** Requests per second, sent on schedule whatever the answers' pace (open loop). */
  rate: number;
  durationMs: number;
  /** Keep-alive connections the requests share (default 64, as the throughput rows). */
  connections?: number;
}

export interface FixedRateResult {
  /** Latency of every answered request in µs, from handing it to the connection pool to its answer's last byte. */
  latenciesMicros: number[];
  /** Requests answered per second over the run (below `rate` when the server, or this client, fell behind). */
  achievedRate: number;
  non2xx: number;
}

/**
 * An open-loop load generator for latency at a fixed rate: request k is due at start + k / rate and is sent at the
 * first timer tick (≤ ~1 ms) after that, whether or not earlier ones were answered, so a server that falls behind
 * pays for the queue it causes: a request waiting for one of the busy connections is timing already (a closed loop,
 * which sends only after an answer, hides that). Timed with process.hrtime.bigint(): microseconds, unlike
 * autocannon's 1 ms histogram buckets. The clock starts when the request is handed over, not when it was due, so
 * the ticks' granularity is not counted. GET only; each answer is read to its end.
 */
export async function fixedRateLatencies(options: FixedRateOptions): Promise<FixedRateResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections ?? 64 });
  const url = new URL(options.url);
  const intervalNs = 1e9 / options.rate;
  const total = Math.round((options.rate * options.durationMs) / 1000);
  const latencies: number[] = [];
  let non2xx = 0;
  let sent = 0;
  let answered = 0;
  const start = process.hrtime.bigint();

  await new Promise<void>((resolve, reject) => {
    const send = () => {
      const sentAt = process.hrtime.bigint();
      const req = request({ host: url.hostname, port: url.port, path: url.pathname + url.search, headers: options.headers, agent }, (res) => {
        if (res.statusCode === undefined || res.statusCode < 200 || res.statusCode >= 300) non2xx++;
        res.resume();
        res.once('end', () => {
          latencies.push(Number(process.hrtime.bigint() - sentAt) / 1e3);
          if (++answered === total) resolve();
        });
      });
      req.once('error', reject);
      req.end();
    };
    // Sends every request that is due, then sleeps a timer tick: answers are read in between, and the client does
    // not spin a core that the server (sharing the machine) needs.
    const tick = () => {
      const elapsedNs = Number(process.hrtime.bigint() - start);
      const due = Math.min(total, Math.floor(elapsedNs / intervalNs) + 1);
      for (; sent < due; sent++) send();
      if (sent < total) setTimeout(tick, 1);
    };
    tick();
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  agent.destroy();
  return { latenciesMicros: latencies, achievedRate: answered / seconds, non2xx };
}
