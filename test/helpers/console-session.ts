import { hashPassword } from '../../src/auth/password-hash.js';
import type { ApiResponse, Json, TestServer } from './server.js';
import type { ReceivedMail } from './smtp.js';

export interface ConsoleSession {
  /** `ax_session=<token>`, ready for a Cookie header. */
  cookie: string;
  csrf: string;
  body: Json;
}

/** The `ax_session=<token>` pair a response sets, or undefined. */
export function sessionCookieOf(res: ApiResponse): string | undefined {
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('ax_session='));
  return setCookie?.split(';')[0];
}

/** Signs in through POST /auth/login; fails the test unless it answers 200 with a cookie. */
export async function signIn(server: TestServer, email: string, password: string): Promise<ConsoleSession> {
  const res = await server.api('POST', '/auth/login', { key: null, body: { email, password } });
  if (res.status !== 200) throw new Error(`sign-in as ${email} answered ${res.status}: ${JSON.stringify(res.body)}`);
  const cookie = sessionCookieOf(res);
  if (!cookie) throw new Error('sign-in set no ax_session cookie');
  return { cookie, csrf: res.body.csrf_token, body: res.body };
}

/** A request as the console makes it: the session cookie, and the CSRF header unless `csrf: false`. */
export function asConsole(server: TestServer, session: ConsoleSession) {
  return (method: string, path: string, options: { body?: unknown; csrf?: boolean } = {}) => server.api(method, path, {
    key: null,
    body: options.body,
    headers: { cookie: session.cookie, ...(options.csrf === false ? {} : { 'x-csrf-token': session.csrf }) },
  });
}

/** Gives a fixture user (inserted without a password) a console password. */
export async function setPassword(server: TestServer, userDbId: number, password: string): Promise<void> {
  await server.context!.store.db.updateTable('users').set({ password_hash: await hashPassword(password, server.context!.config.passwordHashN) }).where('id', '=', userDbId).execute();
}

/** The token of the `/invite/<token>` or `/reset/<token>` link in a mail, checking that the link points at the server. */
export function linkToken(server: TestServer, mail: ReceivedMail, kind: 'invite' | 'reset'): string {
  const m = new RegExp(`${server.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/${kind}/([A-Za-z0-9_-]{20,})`).exec(mail.text);
  if (!m) throw new Error(`no ${kind} link in mail: ${mail.text}`);
  return m[1]!;
}
