import { spaceRequest } from '../http/b5-get-space.js';
import type { SeededServer } from '../lib/seeded-server.js';

/**
 * Makes the server build its access snapshot of the seed account, and proves it decides with it: the MEMBER's key
 * reads its own space (200) and not a space it holds nothing on (404). Returns the first request's wall time in
 * ms, which includes the server's snapshot load (loadWorld + AccessSnapshot.build) as the first check waits for it.
 */
export async function warmAccessSnapshot(server: SeededServer): Promise<number> {
  const get = (spaceId: number) => {
    const { url, headers } = spaceRequest(server, server.member.raw, spaceId);
    return fetch(url, { headers });
  };
  const t0 = process.hrtime.bigint();
  const readable = await get(server.member.readableSpaceId);
  const firstMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const unreadable = await get(server.member.unreadableSpaceId);
  await Promise.all([readable.arrayBuffer(), unreadable.arrayBuffer()]);
  if (readable.status !== 200 || unreadable.status !== 404) {
    throw new Error(`the member's GETs answered ${readable.status} (own space) and ${unreadable.status} (another space); expected 200 and 404`);
  }
  return firstMs;
}
