import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asConsole, linkToken, setPassword, signIn } from '../helpers/console-session.js';
import { createUserWithKey } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Issue 8 (Low, passwords): wherever a password is chosen (change, reset, invitation acceptance), all white space,
 * one repeated character or short sequence, the user's email or name (and simple variants) and common passwords are
 * refused with 400 WEAK_PASSWORD naming the field and the rule, like the schema's length rule (400).
 */
let server: TestServer;
let seq = 0;
const PASSWORD = 'a perfectly fine password';

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

const WEAK: [string, (email: string) => string, RegExp][] = [
  ['all white space', () => ' '.repeat(14), /only white space/],
  ['one repeated character', () => 'a'.repeat(16), /repeat/],
  ['a short sequence repeated', () => 'abcabcabcabc', /repeat/],
  ['the email', (email) => email, /email or name/],
  ['the email in capitals with a suffix', (email) => `${email.toUpperCase()}!`, /email or name/],
  ['the name with digits', () => 'Grace Hopper 1906', /email or name/],
  ['a common password lengthened', () => 'Password1234!', /common/],
  ['a keyboard row', () => 'qwertyuiop12', /common/],
  ['digits in order', () => '123456789012', /common/],
];

async function member(label: string) {
  const user = await createUserWithKey(server, { email: `grace.hopper.${label}-${++seq}@example.com`, name: 'Grace Hopper' });
  await setPassword(server, user.dbId, PASSWORD);
  return user;
}

function expectWeak(res: { status: number; body: { detail?: string } }, field: string, rule: RegExp, what: string) {
  expect(res.status, what).toBe(400);
  expect(res.body, what).toMatchObject({ status: 400, code: 'WEAK_PASSWORD', title: 'Password too easy to guess' });
  expect(res.body.detail, what).toMatch(new RegExp(`^${field}: `));
  expect(res.body.detail, what).toMatch(rule);
}

describe('password rules', () => {
  it('refuse weak new passwords at POST /auth/change-password, and accept a good one', async () => {
    const user = await member('change');
    const console = asConsole(server, await signIn(server, user.email, PASSWORD));
    for (const [what, password, rule] of WEAK) {
      expectWeak(await console('POST', '/auth/change-password', { body: { current_password: PASSWORD, new_password: password(user.email) } }), 'new_password', rule, what);
    }
    expect((await console('POST', '/auth/change-password', { body: { current_password: PASSWORD, new_password: 'ferry timetable in March' } })).status).toBe(204);
  });

  it('refuse weak passwords at POST /auth/password-resets/{token}; the link still works for a good one', async () => {
    const user = await member('reset');
    expect((await server.api('POST', `/v2/users/${encodeURIComponent(user.id)}/reset-password`)).status).toBe(204);
    const token = linkToken(server, await server.waitForMail(user.email, /Reset/), 'reset');
    for (const [what, password, rule] of WEAK) {
      expectWeak(await server.api('POST', `/auth/password-resets/${token}`, { key: null, body: { password: password(user.email) } }), 'password', rule, what);
    }
    expect((await server.api('POST', `/auth/password-resets/${token}`, { key: null, body: { password: 'ferry timetable in March' } })).status).toBe(204);
  });

  it('refuse weak passwords at POST /auth/invitations/{token}/accept; the link still works for a good one', async () => {
    const email = `grace.hopper.invited-${++seq}@example.com`;
    const created = await server.api('POST', '/v2/users', {
      body: { name: 'Grace Hopper', email, role: { type: 'PREDEFINED', name: 'MEMBER' }, invite_mode: 'EMAIL_LINK' },
    });
    expect(created.status).toBe(201);
    const token = linkToken(server, await server.waitForMail(email), 'invite');
    for (const [what, password, rule] of WEAK) {
      expectWeak(await server.api('POST', `/auth/invitations/${token}/accept`, { key: null, body: { password: password(email) } }), 'password', rule, what);
    }
    expect((await server.api('POST', `/auth/invitations/${token}/accept`, { key: null, body: { password: 'ferry timetable in March' } })).status).toBe(200);
  });
});
