import { describe, expect, it } from 'vitest';
import { fetchVisibleRows } from '../../src/services/visible-rows.js';

/** 1..n as the visible keys; the "database" holds only the keys that `matches` accepts. */
function world(n: number, matches: (key: number) => boolean) {
  const keys = Array.from({ length: n }, (_, i) => i + 1);
  const calls: number[][] = [];
  const fetch = async (chunk: number[], limit: number) => {
    calls.push(chunk);
    return chunk.filter(matches).slice(0, limit);
  };
  return { keys, calls, fetch };
}

describe('fetchVisibleRows', () => {
  it('answers limit + 1 rows from the first chunk when they are there, in one query', async () => {
    const w = world(5000, () => true);
    expect(await fetchVisibleRows(w.keys, undefined, 3, w.fetch)).toEqual([1, 2, 3, 4]);
    expect(w.calls).toHaveLength(1);
    expect(w.calls[0]).toHaveLength(1000);
  });

  it('walks further chunks when matches are sparse, never sending more than 1000 keys at once', async () => {
    const w = world(5000, (k) => k % 1100 === 0);
    expect(await fetchVisibleRows(w.keys, undefined, 2, w.fetch)).toEqual([1100, 2200, 3300]);
    expect(w.calls.map((c) => c.length)).toEqual([1000, 1000, 1000, 1000]);
  });

  it('starts after the cursor key and stops at the end of the keys', async () => {
    const w = world(2500, (k) => k % 1100 === 0);
    expect(await fetchVisibleRows(w.keys, 1100, 5, w.fetch)).toEqual([2200]);
    expect(w.calls[0]![0]).toBe(1101);
    expect(await fetchVisibleRows(w.keys, 2500, 5, w.fetch)).toEqual([]);
    expect(await fetchVisibleRows([], undefined, 5, w.fetch)).toEqual([]);
  });

  it('treats the cursor as a bound, not a member: a key that vanished still places the page', async () => {
    const keys = [2, 4, 6, 8];
    expect(await fetchVisibleRows(keys, 5, 10, async (chunk) => chunk)).toEqual([6, 8]);
    expect(await fetchVisibleRows(keys, 0, 1, async (chunk, n) => chunk.slice(0, n))).toEqual([2, 4]);
  });
});
