import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/domain/errors.js';
import {
  fetchSamlMetadata, guardedFetch, guardedFetchFunction, OutboundFailedError, type OutboundOptions, OutboundRefusedError,
} from '../../src/sso/outbound/index.js';

/** Real HTTP servers on 127.0.0.1: what they saw, and what each path answers. */
type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
interface Local { origin: string; seen: { path: string; method: string; headers: IncomingMessage['headers']; body: string }[]; server: Server }

async function local(routes: Record<string, Handler>): Promise<Local> {
  const seen: Local['seen'] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => { body += chunk; });
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      seen.push({ path, method: req.method ?? '', headers: req.headers, body });
      const route = routes[path];
      if (route) route(req, res, body);
      else res.writeHead(404).end('no such path');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

const redirect = (location: string, status = 302): Handler => (_req, res) => res.writeHead(status, { location }).end();
const text = (body: string, status = 200, headers: Record<string, string> = {}): Handler => (_req, res) => res.writeHead(status, headers).end(body);

const LOOPBACK: OutboundOptions = { allowedPrivateHosts: ['127.0.0.1'] };
const NOTHING: OutboundOptions = { allowedPrivateHosts: [] };
const MIB = 1024 * 1024;

async function refusal(url: string, options: OutboundOptions = NOTHING): Promise<string> {
  const error: unknown = await guardedFetch(url, {}, options).then(() => undefined, (e: unknown) => e);
  if (!(error instanceof OutboundRefusedError)) throw new Error(`expected a refusal for ${url}, got ${String(error)}`);
  return error.reason;
}

async function failure(promise: Promise<unknown>): Promise<string> {
  const error: unknown = await promise.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof OutboundFailedError)) throw new Error(`expected OutboundFailedError, got ${String(error)}`);
  return error.reason;
}

let a: Local;
let b: Local;
let silent: Server;
let silentOrigin: string;

beforeAll(async () => {
  b = await local({
    '/echo': (req, res, body) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method, body, authorization: req.headers.authorization ?? null })),
  });
  a = await local({
    '/ok': text('<EntityDescriptor/>', 200, { 'content-type': 'application/xml', 'set-cookie': 'idp=1; Path=/' }),
    '/error': text('broken', 500),
    '/to-metadata-service': redirect('http://169.254.169.254/latest/meta-data/'),
    '/to-private': redirect('https://192.168.0.10/metadata'),
    '/hop1': redirect('/hop2'),
    '/hop2': redirect('/hop3', 301),
    '/hop3': redirect('/ok', 307),
    '/loop': redirect('/loop'),
    '/see-other': redirect('/echo-here', 303),
    '/echo-here': (req, res, body) => res.writeHead(200).end(JSON.stringify({ method: req.method, body, cookie: req.headers.cookie ?? null })),
    '/keep-method': redirect('/echo-here', 307),
    '/cross-origin': redirect(`${b.origin}/echo`, 307),
    '/same-origin-auth': redirect('/echo-auth', 307),
    '/echo-auth': (req, res) => res.writeHead(200).end(req.headers.authorization ?? ''),
    '/cookie-then-redirect': (_req, res) => res.writeHead(302, { 'set-cookie': 'session=abc; Path=/', location: '/echo-here' }).end(),
    '/big-declared': text('x'.repeat(MIB + 1)),
    '/big-chunked': (_req, res) => {
      res.writeHead(200);
      const chunk = 'y'.repeat(64 * 1024);
      for (let i = 0; i < 17; i += 1) res.write(chunk);
      res.end();
    },
    '/exactly-cap': text('z'.repeat(1000)),
  });
  silent = createServer(() => { /* never answers */ });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentOrigin = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const server of [a.server, b.server, silent]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('guardedFetch: what it refuses before connecting', () => {
  it.each(['ftp://example.com/metadata.xml', 'file:///etc/passwd', 'gopher://example.com/', 'data:text/plain,hi'])('scheme of %s', async (url) => {
    expect(await refusal(url)).toMatch(/URLs are not allowed: use https/);
  });

  it('a user name or password in the URL', async () => {
    expect(await refusal('https://user:secret@example.com/metadata')).toBe('the URL must not contain a user name or password');
    expect(await refusal('https://user@example.com/metadata')).toBe('the URL must not contain a user name or password');
  });

  it('not a URL', async () => {
    expect(await refusal('metadata.xml')).toBe('not a valid URL: metadata.xml');
  });

  it.each([
    ['127.0.0.1', 'a loopback'], ['127.10.20.30', 'a loopback'], ['10.0.0.1', 'a private'], ['172.16.0.1', 'a private'],
    ['172.31.255.254', 'a private'], ['192.168.1.1', 'a private'], ['169.254.169.254', 'a link-local'],
    ['100.64.0.1', 'a carrier-grade NAT'], ['100.127.255.254', 'a carrier-grade NAT'], ['0.0.0.0', '"this network"'],
    ['224.0.0.1', 'a multicast'], ['255.255.255.255', 'a reserved or broadcast'],
    // the WHATWG URL parser turns these spellings into 127.0.0.1 before the guard sees them
    ['0x7f.1', 'a loopback'], ['2130706433', 'a loopback'], ['017700000001', 'a loopback'],
  ])('IPv4 %s (%s)', async (host, kind) => {
    expect(await refusal(`https://${host}/metadata`)).toMatch(new RegExp(`is ${kind} address; allow it with AX_SSO_ALLOWED_PRIVATE_HOSTS$`));
  });

  it.each([
    ['::1', 'loopback'], ['::', 'unspecified'], ['fd00::1', 'private'], ['fc12:3456::1', 'private'], ['fe80::1', 'link-local'],
    ['ff02::1', 'multicast'], ['fec0::1', 'site-local'],
    ['::ffff:127.0.0.1', 'loopback'], ['::ffff:7f00:1', 'loopback'], ['::ffff:a9fe:a9fe', 'link-local'], ['::ffff:10.0.0.1', 'private'],
    ['0:0:0:0:0:ffff:c0a8:101', 'private'], ['::127.0.0.1', 'IPv4-compatible'],
  ])('IPv6 [%s] (%s)', async (host, kind) => {
    expect(await refusal(`https://[${host}]/metadata`)).toMatch(new RegExp(`${kind}.* address; allow it`));
  });

  it('a host name that resolves to loopback (localhost), unless the host is allow-listed', async () => {
    expect(await refusal('https://localhost/metadata')).toMatch(/^localhost resolves to (127\.0\.0\.1|::1), a loopback address/);
    const port = new URL(a.origin).port;
    const answer = await guardedFetch(`http://localhost:${port}/ok`, {}, { allowedPrivateHosts: ['LOCALHOST'] });
    expect(answer.status).toBe(200);
  });

  it('http, even to an allowed address, only for allow-listed hosts', async () => {
    expect(await refusal('http://93.184.216.34/metadata')).toBe('http is allowed only for hosts in AX_SSO_ALLOWED_PRIVATE_HOSTS: use https for 93.184.216.34');
  });

  it('an allow-list for other hosts or networks does not help', async () => {
    expect(await refusal(`${a.origin}/ok`, { allowedPrivateHosts: ['10.0.0.0/8', 'idp.internal', '::1'] })).toMatch(/127\.0\.0\.1 is a loopback address/);
  });
});

describe('guardedFetch: what the allow-list lets through', () => {
  it.each([['the host'], ['a CIDR'], ['an IPv6-written CIDR'], ['*']])('by %s', async (how) => {
    const entries = { 'the host': ['127.0.0.1'], 'a CIDR': ['10.0.0.0/8', '127.0.0.0/8'], 'an IPv6-written CIDR': ['::ffff:127.0.0.0/104'], '*': ['*'] }[how]!;
    const answer = await guardedFetch(`${a.origin}/ok`, {}, { allowedPrivateHosts: entries });
    expect(answer).toMatchObject({ status: 200, url: `${a.origin}/ok` });
    expect(answer.body.toString()).toBe('<EntityDescriptor/>');
    expect(answer.headers.get('content-type')).toBe('application/xml');
  });

  it('answers a non-2xx status as it is (the caller decides)', async () => {
    const answer = await guardedFetch(`${a.origin}/error`, {}, LOOPBACK);
    expect(answer.status).toBe(500);
    expect(answer.body.toString()).toBe('broken');
  });
});

describe('guardedFetch: redirects', () => {
  it('follows up to three, each checked again', async () => {
    const answer = await guardedFetch(`${a.origin}/hop1`, {}, LOOPBACK);
    expect(answer).toMatchObject({ status: 200, url: `${a.origin}/ok` });
    expect(await failure(guardedFetch(`${a.origin}/hop1`, {}, { ...LOOPBACK, maxRedirects: 2 }))).toBe('more than 2 redirects');
    expect(await failure(guardedFetch(`${a.origin}/loop`, {}, LOOPBACK))).toBe('more than 3 redirects');
  });

  it('a redirect to a private address is refused although the first host was allowed', async () => {
    expect(await refusal(`${a.origin}/to-metadata-service`, LOOPBACK)).toBe('169.254.169.254 is a link-local address; allow it with AX_SSO_ALLOWED_PRIVATE_HOSTS');
    expect(await refusal(`${a.origin}/to-private`, LOOPBACK)).toMatch(/^192\.168\.0\.10 is a private address/);
  });

  it('303 turns a POST into a GET without its body; 307 keeps both', async () => {
    const post = { method: 'POST' as const, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' };
    expect(JSON.parse((await guardedFetch(`${a.origin}/see-other`, post, LOOPBACK)).body.toString())).toEqual({ method: 'GET', body: '', cookie: null });
    expect(JSON.parse((await guardedFetch(`${a.origin}/keep-method`, post, LOOPBACK)).body.toString())).toEqual({ method: 'POST', body: 'a=1', cookie: null });
  });

  it('credentials do not follow to another origin', async () => {
    const init = { method: 'POST' as const, headers: { authorization: 'Basic Y2xpZW50OnNlY3JldA==' }, body: 'x' };
    expect((await guardedFetch(`${a.origin}/same-origin-auth`, init, LOOPBACK)).body.toString()).toBe('Basic Y2xpZW50OnNlY3JldA==');
    expect(JSON.parse((await guardedFetch(`${a.origin}/cross-origin`, init, LOOPBACK)).body.toString())).toEqual({ method: 'POST', body: 'x', authorization: null });
  });

  it('no cookies: neither the caller\'s nor one the server set', async () => {
    const answer = await guardedFetch(`${a.origin}/cookie-then-redirect`, { headers: { Cookie: 'ax_session=secret' } }, LOOPBACK);
    expect(JSON.parse(answer.body.toString())).toMatchObject({ cookie: null });
    expect(a.seen.filter((s) => s.path === '/cookie-then-redirect').map((s) => s.headers.cookie)).toEqual([undefined]);
    expect((await guardedFetch(`${a.origin}/ok`, {}, LOOPBACK)).headers.get('set-cookie')).toBeNull();
  });
});

describe('guardedFetch: limits and failures', () => {
  it('a body over the cap, declared or streamed, fails', async () => {
    expect(await failure(guardedFetch(`${a.origin}/big-declared`, {}, LOOPBACK))).toBe(`the answer from ${new URL(a.origin).host} is larger than ${MIB} bytes`);
    expect(await failure(guardedFetch(`${a.origin}/big-chunked`, {}, LOOPBACK))).toMatch(/is larger than 1048576 bytes$/);
    expect(await failure(guardedFetch(`${a.origin}/exactly-cap`, {}, { ...LOOPBACK, maxBytes: 999 }))).toMatch(/larger than 999 bytes/);
    expect((await guardedFetch(`${a.origin}/exactly-cap`, {}, { ...LOOPBACK, maxBytes: 1000 })).body.length).toBe(1000);
  });

  it('a server that never answers times out', async () => {
    expect(await failure(guardedFetch(`${silentOrigin}/metadata`, {}, { ...LOOPBACK, timeoutMs: 150 }))).toBe(`${new URL(silentOrigin).host} did not answer within the time limit`);
  });

  it('nobody listening, or a host that does not resolve', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await failure(guardedFetch(`http://127.0.0.1:${port}/`, {}, LOOPBACK))).toBe(`cannot reach 127.0.0.1:${port}: ECONNREFUSED`);
    expect(await failure(guardedFetch('https://no-such-host.invalid/metadata', {}, NOTHING))).toMatch(/^(cannot resolve no-such-host\.invalid|resolving no-such-host\.invalid did not finish)/);
  });
});

describe('fetchSamlMetadata', () => {
  const codeOf = (promise: Promise<unknown>) => promise.then(() => 'resolved', (e: unknown) => (e instanceof ApiError ? `${e.code}: ${e.detail}` : String(e)));

  it('answers the XML; a refusal is SSO_URL_NOT_ALLOWED; failures and non-2xx are SAML_METADATA_UNREACHABLE', async () => {
    expect(await fetchSamlMetadata(`${a.origin}/ok`, LOOPBACK)).toBe('<EntityDescriptor/>');
    expect(await codeOf(fetchSamlMetadata(`${a.origin}/ok`, NOTHING))).toBe('SSO_URL_NOT_ALLOWED: metadata_url: 127.0.0.1 is a loopback address; allow it with AX_SSO_ALLOWED_PRIVATE_HOSTS');
    expect(await codeOf(fetchSamlMetadata(`${a.origin}/error`, LOOPBACK))).toBe(`SAML_METADATA_UNREACHABLE: metadata_url: ${new URL(a.origin).host} answered HTTP 500`);
    expect(await codeOf(fetchSamlMetadata(`${a.origin}/big-declared`, LOOPBACK))).toMatch(/^SAML_METADATA_UNREACHABLE: metadata_url: .* is larger than 1048576 bytes$/);
    expect(await codeOf(fetchSamlMetadata(`${silentOrigin}/md`, { ...LOOPBACK, timeoutMs: 100 }))).toMatch(/^SAML_METADATA_UNREACHABLE: .*did not answer/);
  });
});

describe('guardedFetchFunction (openid-client\'s customFetch)', () => {
  const guarded = guardedFetchFunction(LOOPBACK);

  it('is a fetch: Response with status, headers, body and the final url', async () => {
    const response = await guarded(`${a.origin}/hop3`);
    expect(response.status).toBe(200);
    expect(response.url).toBe(`${a.origin}/ok`);
    expect(response.headers.get('content-type')).toBe('application/xml');
    expect(await response.text()).toBe('<EntityDescriptor/>');
    expect((await guarded(new URL(`${a.origin}/error`))).status).toBe(500);
  });

  it('sends URLSearchParams bodies and headers as given', async () => {
    const response = await guarded(`${b.origin}/echo`, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c' }), headers: new Headers({ authorization: 'Basic eA==' }) });
    expect(await response.json()).toEqual({ method: 'POST', body: 'grant_type=authorization_code&code=c', authorization: 'Basic eA==' });
  });

  it('redirect: manual answers the redirect itself', async () => {
    const response = await guarded(`${a.origin}/hop1`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/hop2');
  });

  it('refusals and failures reject with the guard\'s errors; other methods are refused', async () => {
    await expect(guardedFetchFunction(NOTHING)(`${a.origin}/ok`)).rejects.toBeInstanceOf(OutboundRefusedError);
    await expect(guarded(`${silentOrigin}/x`, { signal: AbortSignal.timeout(50) })).rejects.toBeInstanceOf(OutboundFailedError);
    await expect(guarded(`${a.origin}/ok`, { method: 'DELETE' })).rejects.toThrow('method DELETE is not allowed');
  });
});
