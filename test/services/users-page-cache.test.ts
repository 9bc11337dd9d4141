import { describe, expect, it } from 'vitest';
import { UsersPageCache } from '../../src/services/users-page-cache.js';

/** A cache over a write version the test moves, and a build that counts its runs. */
function cacheWithVersion() {
  let version = 1;
  let builds = 0;
  const cache = new UsersPageCache(() => String(version));
  const build = (changesAt?: string) => async () => ({ body: `page ${++builds}`, changesAt });
  return { cache, build, write: () => { version++; }, builds: () => builds };
}

describe('UsersPageCache', () => {
  it('answers a page again without building it while nothing is written, per key', async () => {
    const { cache, build, builds } = cacheWithVersion();
    expect(await cache.answer('a', '2026-01-01T00:00:00.000Z', build())).toBe('page 1');
    expect(await cache.answer('a', '2026-01-01T00:00:01.000Z', build())).toBe('page 1');
    expect(await cache.answer('b', '2026-01-01T00:00:01.000Z', build())).toBe('page 2');
    expect(builds()).toBe(2);
  });

  it('builds the page again once the write version moved', async () => {
    const { cache, build, write } = cacheWithVersion();
    expect(await cache.answer('a', '2026-01-01T00:00:00.000Z', build())).toBe('page 1');
    write();
    expect(await cache.answer('a', '2026-01-01T00:00:00.000Z', build())).toBe('page 2');
    expect(await cache.answer('a', '2026-01-01T00:00:00.000Z', build())).toBe('page 2');
  });

  it('keeps a page only until the instant it changes with time', async () => {
    const { cache, build } = cacheWithVersion();
    const lapse = '2026-01-08T00:00:00.000Z';
    expect(await cache.answer('a', '2026-01-01T00:00:00.000Z', build(lapse))).toBe('page 1');
    expect(await cache.answer('a', '2026-01-07T23:59:59.999Z', build(lapse))).toBe('page 1');
    expect(await cache.answer('a', lapse, build())).toBe('page 2');
  });

  it('does not keep a page under a version read after a write made while it was built', async () => {
    const { cache, write } = cacheWithVersion();
    // The build sees the write; the page it gives must not be taken for the answer at the version before it.
    expect(await cache.answer('a', '2026-01-01T00:00:00.000Z', async () => { write(); return { body: 'written', changesAt: undefined }; })).toBe('written');
    expect(await cache.answer('a', '2026-01-01T00:00:00.000Z', async () => ({ body: 'again', changesAt: undefined }))).toBe('again');
  });

  it('keeps a bounded number of pages, dropping the oldest', async () => {
    const { cache, build, builds } = cacheWithVersion();
    for (let i = 0; i < 17; i++) await cache.answer(`k${i}`, '2026-01-01T00:00:00.000Z', build());
    expect(builds()).toBe(17);
    await cache.answer('k16', '2026-01-01T00:00:00.000Z', build());
    expect(builds()).toBe(17);
    await cache.answer('k0', '2026-01-01T00:00:00.000Z', build());
    expect(builds()).toBe(18);
  });
});
