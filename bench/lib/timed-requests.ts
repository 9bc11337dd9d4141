import { Agent, request } from 'node:http';
import { type LoadTarget, methodAndHeaders } from '../http/throughput.js';

/**
 * Latencies of `count` GETs of `url` (POSTs of a JSON body when the target has one), in microseconds (process.hrtime
 * around each request and its whole answer; no load generator's 1 ms resolution), on `inFlight` kept-alive
 * connections (default 1: one after another), each sending its next request when its answer has arrived; the run
 * ends with its last answer. Throws on a non-200 answer, so that an error page is never timed as a success.
 */
export async function timedRequestsMicros(
  target: LoadTarget, count: number, inFlight = 1,
): Promise<number[]> {
  const { url, body } = target;
  const agent = new Agent({ keepAlive: true, maxSockets: inFlight });
  const { method, headers } = methodAndHeaders(target);
  const once = () => new Promise<number>((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    request(url, { agent, method, headers }, (res) => {
      res.resume();
      res.once('end', () => {
        if (res.statusCode !== 200) reject(new Error(`${method} ${url} answered ${res.statusCode}`));
        else resolve(Number(process.hrtime.bigint() - t0) / 1e3);
      });
    }).once('error', reject).end(body?.());
  });
  const out: number[] = [];
  let sent = 0;
  const connection = async () => {
    while (sent < count) {
      sent++; // taken before the await, so the connections never send more than `count` in all
      out.push(await once());
    }
  };
  try {
    await Promise.all(Array.from({ length: inFlight }, connection));
    return out;
  } finally {
    agent.destroy();
  }
}
