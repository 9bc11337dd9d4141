import { Agent, request } from 'node:http';

/** One HTTP request of an operation: GET, or POST with a JSON body. */
export interface OperationRequest {
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface OperationRunResult {
  /** Operations completed per second (an operation is all of its requests, one after another). */
  operationsPerSecond: number;
  /** Latency of every completed operation in µs, from handing its first request over to its last answer's last byte. */
  latenciesMicros: number[];
}

/**
 * A closed-loop load generator for operations of one or more sequential requests: `connections` workers, each on
 * its own keep-alive connection, run the operation again as soon as the previous one finished, for `seconds`.
 * Timed with process.hrtime.bigint() (µs, not autocannon's 1 ms buckets); any non-2xx answer fails the run.
 */
export async function runOperations(operation: OperationRequest[], seconds: number, connections: number): Promise<OperationRunResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(seconds * 1e9));
  const worker = async () => {
    while (process.hrtime.bigint() < end) {
      const began = process.hrtime.bigint();
      for (const step of operation) await send(agent, step);
      latencies.push(Number(process.hrtime.bigint() - began) / 1e3);
    }
  };
  try {
    await Promise.all(Array.from({ length: connections }, worker));
  } finally {
    agent.destroy();
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  return { operationsPerSecond: latencies.length / elapsed, latenciesMicros: latencies };
}

function send(agent: Agent, step: OperationRequest): Promise<void> {
  const url = new URL(step.url);
  const headers = step.body === undefined ? step.headers : { ...step.headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(step.body)) };
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: step.body === undefined ? 'GET' : 'POST', headers, agent }, (res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      res.once('end', () => (status >= 200 && status < 300 ? resolve() : reject(new Error(`${step.url}: HTTP ${status}`))));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end(step.body);
  });
}
