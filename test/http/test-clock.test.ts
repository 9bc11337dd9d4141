import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * The test-only clock control (issue 9 §3): AX_TEST_CLOCK=1 lets the harness move a spawned server's clock; it is
 * refused anywhere but on a loopback listen address, and without it the route does not exist.
 */
describe('AX_TEST_CLOCK in configuration', () => {
  it('is off unless set, and must be exactly 1', () => {
    expect(loadConfig({}, {}).testClock).toBe(false);
    expect(loadConfig({}, { AX_TEST_CLOCK: '1' }).testClock).toBe(true);
    expect(() => loadConfig({}, { AX_TEST_CLOCK: 'true' })).toThrow(ConfigError);
    expect(() => loadConfig({}, { AX_TEST_CLOCK: 'true' })).toThrow(/AX_TEST_CLOCK/);
  });

  it('stops a server that listens beyond loopback', () => {
    for (const host of ['0.0.0.0', '::', '10.0.0.5', 'example.com']) {
      expect(() => loadConfig({ host }, { AX_TEST_CLOCK: '1' }), host).toThrow(/AX_TEST_CLOCK.*loopback/);
    }
    for (const host of ['127.0.0.1', '::1', 'localhost']) expect(loadConfig({ host }, { AX_TEST_CLOCK: '1' }).testClock).toBe(true);
  });
});

describe('POST /__test/clock', () => {
  let plain: TestServer;
  let testing: TestServer;

  beforeAll(async () => {
    [plain, testing] = await Promise.all([startTestServer(), startTestServer({ env: { AX_TEST_CLOCK: '1' } })]);
  });
  afterAll(async () => {
    await Promise.all([plain?.close(), testing?.close()]);
  });

  it('does not exist on a server started without AX_TEST_CLOCK', async () => {
    expect((await plain.api('POST', '/__test/clock', { key: null, body: { advance_ms: 10_000 } })).status).toBe(404);
  });

  it('moves the clock forward: a refreshed key stops working when its grace period ends', async () => {
    const original = (await testing.api('POST', '/v2/api-keys', { body: { key_type: 'USER', name: 'rotating' } })).body;
    const rotated = (await testing.api('POST', `/v2/api-keys/${encodeURIComponent(original.id)}/refresh`, { body: { grace_period_seconds: 60 } })).body;
    expect((await testing.api('GET', '/v2/me', { key: original.key })).status).toBe(200);
    const before = Date.now();
    const moved = await testing.api('POST', '/__test/clock', { key: null, body: { advance_ms: 60_001 } });
    expect(moved.status).toBe(200);
    expect(Date.parse(moved.body.now)).toBeGreaterThanOrEqual(before + 60_001);
    expect((await testing.api('GET', '/v2/me', { key: original.key })).status).toBe(401);
    expect((await testing.api('GET', '/v2/me', { key: rotated.key })).status).toBe(200);
  });

  it('refuses a body that is not {advance_ms: whole number ≥ 0}, and is not in the OpenAPI document', async () => {
    for (const body of [{}, { advance_ms: -1 }, { advance_ms: 1.5 }, { advance_ms: 1, extra: true }]) {
      expect((await testing.api('POST', '/__test/clock', { key: null, body })).status, JSON.stringify(body)).toBe(400);
    }
    const document = (await testing.api('GET', '/v2/openapi.json')).body;
    expect(Object.keys(document.paths).filter((path) => path.includes('__test'))).toEqual([]);
  });
});
