import { connect, type Socket } from 'node:net';

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

const HEAD_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:\s*(\d+)/i;

/** One keep-alive connection: one request at a time, the answer read by its Content-Length. */
class Connection {
  #buffer: Buffer = Buffer.alloc(0);
  #sentAt = 0n;

  constructor(
    private readonly socket: Socket,
    private readonly request: Buffer,
    private readonly answered: (conn: Connection, sentAt: bigint, status: number) => void,
    private readonly failed: (error: Error) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#read(chunk));
    socket.once('error', failed);
    socket.once('close', () => { if (this.#sentAt !== 0n) failed(new Error('the server closed a connection with a request in flight')); });
  }

  send(sentAt: bigint): void {
    this.#sentAt = sentAt;
    this.socket.write(this.request);
  }

  close(): void {
    this.#sentAt = 0n;
    this.socket.destroy();
  }

  #read(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const headEnd = this.#buffer.indexOf(HEAD_END);
    if (headEnd < 0) return;
    const head = this.#buffer.toString('latin1', 0, headEnd);
    const length = CONTENT_LENGTH.exec(head);
    const end = length ? headEnd + HEAD_END.length + Number(length[1]) : -1;
    if (end < 0 || this.#buffer.length > end) {
      this.failed(new Error(`not one answer with a Content-Length: ${head.split('\r\n')[0]}`));
      return;
    }
    if (this.#buffer.length < end) return;
    this.#buffer = Buffer.alloc(0);
    const sentAt = this.#sentAt;
    this.#sentAt = 0n;
    this.answered(this, sentAt, Number(head.slice(9, 12)));
  }
}

/**
 * An open-loop load generator for latency at a fixed rate: request k is due at start + k / rate and is sent at the
 * first timer tick (≤ ~1 ms) after that, whether or not earlier ones were answered, so a server that falls behind
 * pays for the queue it causes: a request waiting for one of the busy connections is timing already (a closed loop,
 * which sends only after an answer, hides that). Timed with process.hrtime.bigint(): microseconds, unlike
 * autocannon's 1 ms histogram buckets. The clock starts when the request is handed over, not when it was due, so
 * the ticks' granularity is not counted. GET only; each answer is read to its end.
 *
 * The client writes one prepared request's bytes per send and reads each answer by its Content-Length, over
 * connections opened before the clock starts: node:http's client cost ~40 µs of this process's CPU per request,
 * which at B6's ~20k req/s took most of a core from the two the server under test shares with it.
 */
export async function fixedRateLatencies(options: FixedRateOptions): Promise<FixedRateResult> {
  const url = new URL(options.url);
  const headers = { host: url.host, ...options.headers };
  const request = Buffer.from(`GET ${url.pathname}${url.search} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`);
  const intervalNs = 1e9 / options.rate;
  const total = Math.round((options.rate * options.durationMs) / 1000);
  const latencies: number[] = [];
  const idle: Connection[] = [];
  /** Requests handed over while every connection was busy: when each was handed over, the next at `waitingHead`. */
  const waiting: bigint[] = [];
  let waitingHead = 0;
  let non2xx = 0;
  let answered = 0;
  let finish: { resolve: () => void; reject: (error: Error) => void } | undefined;
  const failed = (error: Error) => finish?.reject(error);
  const onAnswer = (conn: Connection, sentAt: bigint, status: number) => {
    latencies.push(Number(process.hrtime.bigint() - sentAt) / 1e3);
    if (status < 200 || status >= 300) non2xx++;
    if (++answered === total) return finish?.resolve();
    if (waitingHead === waiting.length) idle.push(conn);
    else conn.send(waiting[waitingHead++]!);
  };
  const all = await Promise.all(Array.from({ length: options.connections ?? 64 }, () => new Promise<Connection>((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port) }, () => {
      socket.off('error', reject);
      resolve(new Connection(socket, request, onAnswer, failed));
    });
    socket.once('error', reject);
  })));
  idle.push(...all);

  let sent = 0;
  const start = process.hrtime.bigint();
  try {
    await new Promise<void>((resolve, reject) => {
      finish = { resolve, reject };
      // Sends every request that is due, then sleeps a timer tick: answers are read in between, and the client does
      // not spin a core that the server (sharing the machine) needs.
      const tick = () => {
        const elapsedNs = Number(process.hrtime.bigint() - start);
        const due = Math.min(total, Math.floor(elapsedNs / intervalNs) + 1);
        for (; sent < due; sent++) {
          const at = process.hrtime.bigint();
          const conn = idle.pop();
          if (conn) conn.send(at);
          else waiting.push(at);
        }
        if (sent < total) setTimeout(tick, 1);
      };
      tick();
    });
  } finally {
    for (const conn of all) conn.close();
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { latenciesMicros: latencies, achievedRate: answered / seconds, non2xx };
}
