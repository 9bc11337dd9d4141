#!/usr/bin/env node
// A scripted browser for `ax auth login` tests, run by the CLI as `$BROWSER <authorize URL>`: it does what a person
// does in the browser with fetch and a cookie jar — open the authorize URL (303 to the console's /authorize/{uid}),
// sign in (POST /auth/login), approve or deny (POST /auth/oauth/interactions/{uid}/approve|deny with the CSRF token),
// follow the provider's resume URL (302 to the CLI's loopback), and load the loopback URL (302 to the result page,
// not followed). Self-contained: the CLI runs it as a separate process.
//   AX_STUB_EMAIL, AX_STUB_PASSWORD  the console sign-in
//   AX_STUB_MODE                     approve (default) | deny | tamper-state (changes state before the loopback)
//   AX_STUB_LOG                      a file that receives what went wrong (the CLI ignores the stub's output)
import { appendFileSync } from 'node:fs';

const cookies = new Map();

async function get(url, init = {}) {
  const cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(cookie ? { cookie } : {}), ...init.headers } });
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair.indexOf('=');
    const value = pair.slice(eq + 1).trim();
    if (value === '' || /max-age=0/i.test(line)) cookies.delete(pair.slice(0, eq).trim());
    else cookies.set(pair.slice(0, eq).trim(), value);
  }
  return res;
}

function expectStatus(res, status, step) {
  if (res.status !== status) throw new Error(`${step}: expected ${status}, got ${res.status}`);
}

async function run(authorize) {
  const server = new URL(authorize).origin;
  const start = await get(authorize);
  expectStatus(start, 303, 'GET /oauth2/authorize');
  const uid = /^\/authorize\/([A-Za-z0-9_-]+)$/.exec(start.headers.get('location') ?? '')?.[1];
  if (!uid) throw new Error(`GET /oauth2/authorize: unexpected location ${start.headers.get('location')}`);

  const login = await get(`${server}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: process.env.AX_STUB_EMAIL, password: process.env.AX_STUB_PASSWORD }),
  });
  expectStatus(login, 200, 'POST /auth/login');
  const { csrf_token: csrf } = await login.json();

  const decision = process.env.AX_STUB_MODE === 'deny' ? 'deny' : 'approve';
  const decided = await get(`${server}/auth/oauth/interactions/${uid}/${decision}`, { method: 'POST', headers: { 'x-csrf-token': csrf } });
  expectStatus(decided, 200, `POST /auth/oauth/interactions/{uid}/${decision}`);
  const { redirect_to: resume } = await decided.json();

  const back = await get(new URL(resume, server));
  expectStatus(back, 302, 'GET the resume URL');
  const callback = new URL(back.headers.get('location'));
  if (process.env.AX_STUB_MODE === 'tamper-state') callback.searchParams.set('state', 'not-the-state-ax-sent');

  // The CLI's listener answers only /callback.
  expectStatus(await get(new URL('/favicon.ico', callback)), 404, 'GET the loopback /favicon.ico');
  const done = await get(callback);
  expectStatus(done, 302, 'GET the loopback /callback');
  const result = new URL(done.headers.get('location'));
  if (result.origin !== server || result.pathname !== '/auth/cli/callback') throw new Error(`the loopback sent the browser to ${result}`);
}

run(process.argv[2]).catch((error) => {
  if (process.env.AX_STUB_LOG) appendFileSync(process.env.AX_STUB_LOG, `${error.stack ?? error}\n`);
  process.exit(1);
});
