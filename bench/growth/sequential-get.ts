import { Agent, request } from 'node:http';
import { encodeId } from '../../src/domain/ids.js';
import type { SeededServer } from '../lib/seeded-server.js';

/** The MEMBER's GET of its own space on `server`: the URL and headers sequentialGetMicros takes. */
export function memberSpaceGet(server: SeededServer): [string, Record<string, string>] {
  return [`${server.url}/v2/spaces/${encodeURIComponent(encodeId('Space', server.member.readableSpaceId))}`, { authorization: `Bearer ${server.member.raw}` }];
}

/**
 * Latencies of `count` GETs of `url` sent one after another on one kept-alive connection, in microseconds
 * (process.hrtime around each request and its whole body; no load generator's 1 ms resolution). Throws on a
 * non-200 answer, so that an error page is never timed as a success.
 */
export async function sequentialGetMicros(url: string, headers: Record<string, string>, count: number): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const once = () => new Promise<number>((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    request(url, { agent, headers }, (res) => {
      res.resume();
      res.once('end', () => {
        if (res.statusCode !== 200) reject(new Error(`GET ${url} answered ${res.statusCode}`));
        else resolve(Number(process.hrtime.bigint() - t0) / 1e3);
      });
    }).once('error', reject).end();
  });
  try {
    const out: number[] = [];
    for (let i = 0; i < count; i++) out.push(await once());
    return out;
  } finally {
    agent.destroy();
  }
}
