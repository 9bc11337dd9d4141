import { createServer as createHttpServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ConnectionError, HttpError } from '../../src/client/errors.js';
import { CliError, FileError, UsageError } from '../../src/cli/errors/cli-error.js';
import { EXIT, exitCodeForStatus } from '../../src/cli/errors/exit-codes.js';
import { reportError } from '../../src/cli/errors/report.js';
import { missingPermission, suggestionFor } from '../../src/cli/errors/suggestions.js';
import { createStyle } from '../../src/cli/output/style.js';
import { runAx } from './ax-process.js';
import { testTempDir } from '../helpers/temp-dir.js';

/**
 * A loopback port nothing listens on: discard (9), as in auth-login.test.ts. A port found free and closed again
 * could be taken by another test's server (listen on port 0) before `ax` connects to it.
 */
const CLOSED_PORT = 9;

const style = createStyle(false);

function httpError(status: number, problem?: Record<string, unknown>, headers: Record<string, string> = {}): HttpError {
  return new HttpError({
    status,
    problem: problem as never,
    headers: { 'content-type': 'application/problem+json', ...headers },
    body: problem ? JSON.stringify(problem) : '',
    method: 'GET',
    url: 'http://127.0.0.1:8080/v2/organizations/T3Jn',
  });
}

describe('problem → message', () => {
  it('prints `✗ Error: <status> <reason>; <detail or title>` and one Suggestion line', () => {
    const report = reportError(httpError(404, { title: 'Not Found', status: 404, detail: 'organization not found' }), { verbose: false, style, context: { noun: 'organizations' } });
    expect(report.lines).toEqual([
      '✗ Error: 404 Not Found; organization not found',
      'Suggestion: It does not exist or is not visible to you. List what exists with `ax organizations list`.',
    ]);
    expect(report.exitCode).toBe(EXIT.API);
    const titleOnly = reportError(httpError(409, { title: 'name already exists', status: 409 }), { verbose: false, style });
    expect(titleOnly.lines[0]).toBe('✗ Error: 409 Conflict; name already exists');
  });

  it('maps 401 to exit 3 and every other API error to exit 4', () => {
    expect(reportError(httpError(401, { title: 'Unauthorized', status: 401 }), { verbose: false, style }).exitCode).toBe(EXIT.AUTH);
    for (const status of [400, 403, 404, 409, 422, 429, 500, 503]) expect(exitCodeForStatus(status)).toBe(EXIT.API);
  });

  it('keys the suggestion by status, naming the missing permission on 403', () => {
    expect(suggestionFor(httpError(401, { title: 'Unauthorized', status: 401 }))).toMatch(/ax profiles show.*ax profiles update --api-key/);
    expect(suggestionFor(httpError(403, { title: 'Forbidden', status: 403, detail: 'missing permission PROJECT_DELETE on this project' }))).toMatch(/lacks PROJECT_DELETE/);
    expect(suggestionFor(httpError(409, { title: 'Conflict', status: 409 }))).toMatch(/already exists/);
    expect(suggestionFor(httpError(400, { title: 'wrong user status', status: 400, code: 'WRONG_USER_STATUS', detail: 'user_id: the user is ACTIVE' })))
      .toMatch(/INVITED or EXPIRED.*ax users get USER/);
    expect(suggestionFor(httpError(429, { title: 'Too Many Requests', status: 429 }, { 'retry-after': '30' }))).toMatch(/wait 30 s/);
    expect(suggestionFor(httpError(500, { title: 'Internal Server Error', status: 500 }, { 'x-request-id': 'req-1' }))).toMatch(/req-1/);
    expect(suggestionFor(httpError(503, { title: 'Service Unavailable', status: 503, code: 'UNAVAILABLE' }, { 'retry-after': '5' })))
      .toBe('The server cannot do this right now; retry in 5 s, and tell its operator if it persists.');
    expect(missingPermission('needs ROLE_BINDING_CREATE and SPACE_READ')).toBe('ROLE_BINDING_CREATE');
    expect(missingPermission('NOT_A_PERMISSION')).toBeUndefined();
  });

  it('does not tell an admin to ask for a permission when nobody may change a predefined role (code beats status)', () => {
    const predefined = reportError(httpError(403, {
      title: 'predefined roles cannot be modified', status: 403, code: 'PREDEFINED_ROLE_IMMUTABLE', detail: 'Admin is a predefined role; create a custom role instead',
    }), { verbose: false, style, context: { noun: 'roles' } });
    expect(predefined.lines[0]).toBe('✗ Error: 403 Forbidden; Admin is a predefined role; create a custom role instead');
    expect(predefined.lines[1]).toMatch(/^Suggestion: Predefined roles .* cannot be changed or deleted by anyone; create a custom role with `ax roles create/);
    expect(predefined.lines[1]).not.toMatch(/lacks|Ask an admin/);
    expect(predefined.exitCode).toBe(EXIT.API);
    expect(suggestionFor(httpError(422, { title: 'Last active account admin', status: 422, code: 'LAST_ACTIVE_ADMIN' }))).toMatch(/ax users set-role USER admin/);
    expect(suggestionFor(httpError(400, { title: 'Invalid cursor', status: 400, code: 'INVALID_CURSOR' }))).toMatch(/--cursor printed at the end of the previous page/);
  });

  it('with --verbose adds the problem fields, x-request-id and the raw body', () => {
    const problem = { title: 'Forbidden', status: 403, detail: 'account admin required', type: 'about:blank', code: 'FORBIDDEN' };
    const text = reportError(httpError(403, problem, { 'x-request-id': 'req-42' }), { verbose: true, style }).lines.join('\n');
    expect(text).toContain('Title: Forbidden');
    expect(text).toContain('Code: FORBIDDEN');
    expect(text).toContain('x-request-id: req-42');
    expect(text).toContain(`Raw Response Body\n  ${JSON.stringify(problem)}`);
    expect(text).toContain('Request: GET http://127.0.0.1:8080/v2/organizations/T3Jn');
  });

  it('names the endpoint tried and suggests `ax serve` when the connection is refused', () => {
    const report = reportError(new ConnectionError('http://127.0.0.1:8080', 'ECONNREFUSED', 'connect ECONNREFUSED'), { verbose: false, style });
    expect(report.lines[0]).toBe('✗ Error: could not reach the server at http://127.0.0.1:8080 (ECONNREFUSED)');
    expect(report.lines[1]).toMatch(/ax serve/);
  });

  it('keeps the exit code of CLI errors and never shows a stack for them', () => {
    expect(reportError(new UsageError('bad flag', 'fix it'), { verbose: true, style })).toEqual({ lines: ['✗ Error: bad flag', 'Suggestion: fix it'], exitCode: EXIT.USAGE });
    expect(reportError(new FileError('nope'), { verbose: false, style }).exitCode).toBe(EXIT.FILE_IO);
    expect(reportError(new CliError('config'), { verbose: false, style }).exitCode).toBe(EXIT.GENERAL);
    const unexpected = reportError(new TypeError('boom'), { verbose: false, style });
    expect(unexpected).toEqual({ lines: ['✗ Unexpected error: boom', 'Run with --verbose for technical details.'], exitCode: EXIT.GENERAL });
  });
});

describe('the binary', () => {
  const home = () => ({ ARIZE_DIRECTORY: testTempDir('ax-cli-') });

  it('prints its version and help without a server', async () => {
    const version = await runAx(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: expect.stringMatching(/^ax version \d+\.\d+\.\d+\n$/) });
    const help = await runAx(['--help']);
    expect(help.code).toBe(0);
    for (const noun of ['users', 'organizations', 'spaces', 'projects', 'roles', 'role-bindings', 'resource-restrictions', 'api-keys', 'audit-logs', 'access', 'profiles', 'auth', 'serve', 'completion']) {
      expect(help.stdout).toContain(`  ${noun} `);
    }
    const topic = await runAx(['help', 'exit-codes']);
    expect(topic.stdout).toMatch(/ 3 {2}authentication/);
    const sub = await runAx(['help', 'users', 'delete']);
    expect(sub.stdout).toContain('Usage: ax users delete [options] [users...]');
  });

  it('exits 2 on usage errors, with a pointer to --help', async () => {
    const unknown = await runAx(['users', 'lst'], { env: home() });
    expect(unknown.code).toBe(EXIT.USAGE);
    expect(unknown.stderr).toContain("✗ Error: unknown command 'lst'");
    expect(unknown.stderr).toContain("Run 'ax users --help' for usage.");
    const badEnum = await runAx(['users', 'create', '--full-name', 'J', '--email', 'j@x.io', '--role', 'owner'], { env: home() });
    expect(badEnum.code).toBe(EXIT.USAGE);
    expect(badEnum.stderr).toContain('expected one of: admin, member, annotator');
    const missing = await runAx(['roles', 'create', '--name', 'x'], { env: home() });
    expect(missing.code).toBe(EXIT.USAGE);
    expect((await runAx(['help', 'nonsense'])).code).toBe(EXIT.USAGE);
    expect((await runAx(['users'])).code).toBe(EXIT.USAGE);
  });

  it('exits 3 when no API key is configured', async () => {
    const result = await runAx(['users', 'list'], { env: home() });
    expect(result.code).toBe(EXIT.AUTH);
    expect(result.stderr).toContain('✗ Error: no API key configured');
    expect(result.stderr).toContain('ax profiles create --api-key');
  });

  it('names the endpoint it tried when the connection is refused', async () => {
    const port = CLOSED_PORT;
    const result = await runAx(['organizations', 'list'], { env: { ...home(), ARIZE_API_KEY: 'ak-x', ARIZE_ENDPOINT: `http://127.0.0.1:${port}` } });
    expect(result.code).toBe(EXIT.API);
    expect(result.stderr).toContain(`✗ Error: could not reach the server at http://127.0.0.1:${port} (ECONNREFUSED)`);
    expect(result.stderr).toContain('ax serve');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('routes by ARIZE_SINGLE_HOST / ARIZE_SINGLE_PORT, and refuses two of ARIZE_REGION, ARIZE_SINGLE_HOST, ARIZE_BASE_DOMAIN', async () => {
    const port = CLOSED_PORT;
    const single = await runAx(['organizations', 'list'], {
      env: { ...home(), ARIZE_API_KEY: 'ak-x', ARIZE_SINGLE_HOST: '127.0.0.1', ARIZE_SINGLE_PORT: String(port), ARIZE_API_SCHEME: 'http' },
    });
    expect(single.stderr).toContain(`✗ Error: could not reach the server at http://127.0.0.1:${port} (ECONNREFUSED)`);
    expect(single.code).toBe(EXIT.API);
    const both = await runAx(['organizations', 'list'], { env: { ...home(), ARIZE_API_KEY: 'ak-x', ARIZE_REGION: 'us-east-1b', ARIZE_SINGLE_HOST: '127.0.0.1' } });
    expect(both.stderr).toContain('✗ Error: environment: ARIZE_REGION, ARIZE_SINGLE_HOST and ARIZE_BASE_DOMAIN exclude each other');
    expect(both.code).toBe(EXIT.GENERAL);
  });

  it('answers an endpoint that is not an ax server (an HTML 404 or 501 page) with one line, not the page', async () => {
    const page = '<!DOCTYPE HTML>\n<html>\n  <head><title>Error response</title></head>\n  <body><h1>Error response</h1></body>\n</html>\n';
    const web = createHttpServer((req, res) => {
      res.writeHead(req.method === 'GET' ? 404 : 501, { 'content-type': 'text/html;charset=utf-8' }).end(page);
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    try {
      const env = { ...home(), ARIZE_API_KEY: 'ak-x', ARIZE_ENDPOINT: `http://127.0.0.1:${(web.address() as { port: number }).port}` };
      const get = await runAx(['users', 'get', 'VXNlcjox'], { env });
      expect(get.code).toBe(EXIT.API);
      expect(get.stderr.split('\n')).toEqual([
        '✗ Error: 404 Not Found; Not Found',
        'Suggestion: That endpoint answered without an API problem body (text/html), so it is probably not an ax server: check the endpoint with `ax profiles show`, or pass --endpoint URL.',
        '',
      ]);
      const create = await runAx(['organizations', 'create', '--name', 'x'], { env });
      expect(create.code).toBe(EXIT.API);
      expect(create.stderr).toMatch(/^✗ Error: 501 Not Implemented; Not Implemented\nSuggestion: The server failed; retry shortly\.\n$/);
      const verbose = await runAx(['users', 'get', 'VXNlcjox', '-v'], { env });
      expect(verbose.stderr).toContain('Raw Response Body\n  <!DOCTYPE HTML>');
    } finally {
      await new Promise((resolve) => web.close(resolve));
    }
  });

  it('refuses a destructive command without a terminal and without --force (exit 2), before any request', async () => {
    const port = CLOSED_PORT;
    const result = await runAx(['api-keys', 'revoke', 'QXBpS2V5OjE='], { env: { ...home(), ARIZE_API_KEY: 'ak-x', ARIZE_ENDPOINT: `http://127.0.0.1:${port}` } });
    expect(result.code).toBe(EXIT.USAGE);
    expect(result.stderr).toContain('refusing to revoke API key QXBpS2V5OjE= without confirmation');
    expect(result.stderr).toContain('add --force');
  });

  it('auth commands without a profile say how to create one that logs in with the browser', async () => {
    const login = await runAx(['auth', 'login'], { env: home() });
    expect(login.code).toBe(EXIT.GENERAL);
    expect(login.stderr).toContain('--auth-method oauth');
    const status = await runAx(['auth', 'status'], { env: home() });
    expect(status.code).toBe(EXIT.AUTH);
    expect(status.stderr).toContain('--auth-method oauth');
    expect((await runAx(['auth', 'logout'], { env: home() })).code).toBe(EXIT.OK);
  });
});
