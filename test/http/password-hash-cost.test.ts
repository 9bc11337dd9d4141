import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asConsole, signIn } from '../helpers/console-session.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * AX_PASSWORD_HASH_N: scrypt's cost for new password hashes (README, configuration). The test helpers run servers at
 * the floor (1024) to spare the suite ~40 ms of CPU per hash; these servers run at the default, and at the floor
 * with a hash made at the default, which verifies at the cost it carries.
 */
let byDefault: TestServer;
let cheap: TestServer;

beforeAll(async () => {
  [byDefault, cheap] = await Promise.all([
    startTestServer({ env: { AX_PASSWORD_HASH_N: '' } }),
    startTestServer({ env: { AX_PASSWORD_HASH_N: '1024' } }),
  ]);
});
afterAll(async () => Promise.all([byDefault?.close(), cheap?.close()]));

async function storedHash(server: TestServer, email: string): Promise<string | null> {
  const row = await server.context!.store.db.selectFrom('users').select('password_hash').where('email_lower', '=', email).executeTakeFirstOrThrow();
  return row.password_hash;
}

describe('the cost of password hashes (AX_PASSWORD_HASH_N)', () => {
  it('is scrypt N=16384, r=8, p=1 when unset, and the bootstrap admin signs in with it', async () => {
    expect(await storedHash(byDefault, 'admin@localhost')).toMatch(/^scrypt\$16384\$8\$1\$/);
    await signIn(byDefault, 'admin@localhost', byDefault.adminPassword);
  });

  it('is the configured N for new hashes; a hash made at another N still verifies, and a change re-hashes at N', async () => {
    expect(await storedHash(cheap, 'admin@localhost')).toMatch(/^scrypt\$1024\$8\$1\$/);
    const madeByDefault = await storedHash(byDefault, 'admin@localhost');
    await cheap.context!.store.db.updateTable('users').set({ password_hash: madeByDefault }).where('email_lower', '=', 'admin@localhost').execute();
    const session = await signIn(cheap, 'admin@localhost', cheap.adminPassword);
    const res = await asConsole(cheap, session)('POST', '/auth/change-password', {
      body: { current_password: cheap.adminPassword, new_password: 'a new and long enough password' },
    });
    expect(res.status).toBe(204);
    expect(await storedHash(cheap, 'admin@localhost')).toMatch(/^scrypt\$1024\$8\$1\$/);
    await signIn(cheap, 'admin@localhost', 'a new and long enough password');
    expect((await cheap.api('POST', '/auth/login', { key: null, body: { email: 'admin@localhost', password: cheap.adminPassword } })).status).toBe(401);
  });
});
