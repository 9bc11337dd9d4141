import http from 'node:http';
import { CLI_CLIENT_ID } from '../../domain/oauth-client.js';
import { ConnectionError, HttpError } from '../../client/errors.js';
import { flattenHeaders } from '../../client/transport.js';
import { CliError } from '../errors/cli-error.js';
import { EXIT } from '../errors/exit-codes.js';
import type { OAuthTokens } from '../../profiles/oauth-tokens.js';

/** An RFC 6749 §5.2 error answer of the token endpoint. */
export class TokenEndpointError extends CliError {
  constructor(readonly error: string, description: string | undefined) {
    super(`the server refused the login: ${description || error}`, { exitCode: EXIT.AUTH, suggestion: 'Run `ax auth login` again.' });
    this.name = 'TokenEndpointError';
  }
}

/** `POST /oauth2/token` with `grant_type=authorization_code` (identity.md §6.4): the tokens of a new login. */
export function exchangeCode(app: string, code: string, redirectUri: string, verifier: string, now = Date.now()): Promise<OAuthTokens> {
  return tokenRequest(app, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: CLI_CLIENT_ID, code_verifier: verifier }, now);
}

/** `POST /oauth2/token` with `grant_type=refresh_token` (no scope, as Arize's CLI): the rotated tokens. */
export function refreshTokens(app: string, refreshToken: string, now = Date.now()): Promise<OAuthTokens> {
  return tokenRequest(app, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: CLI_CLIENT_ID }, now);
}

/** `POST /oauth2/revoke` (RFC 7009); the status, which a conforming server makes 200 for any token. */
export async function revokeToken(app: string, token: string, hint: 'access_token' | 'refresh_token'): Promise<number> {
  const { status } = await postForm(app, '/oauth2/revoke', { token, token_type_hint: hint, client_id: CLI_CLIENT_ID });
  return status;
}

async function tokenRequest(app: string, form: Record<string, string>, now: number): Promise<OAuthTokens> {
  const { status, headers, text } = await postForm(app, '/oauth2/token', form);
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new ConnectionError(app, 'EBADRESPONSE', `${app}/oauth2/token answered ${status} without JSON; is it an ax server?`);
  }
  const error = String(body.error ?? `HTTP ${status}`);
  const description = typeof body.error_description === 'string' ? body.error_description : undefined;
  // The server could not answer now (`temporarily_unavailable` while its database is away): not a refusal of the
  // login, which stays; reported as any other API call's 5xx, with its Retry-After.
  if (status >= 500) {
    const problem = { status, title: error, ...(description === undefined ? {} : { detail: description }) };
    throw new HttpError({ status, problem, headers, body: text, method: 'POST', url: new URL('/oauth2/token', app).toString() });
  }
  if (status !== 200) throw new TokenEndpointError(error, description);
  // expires_in is an integer, or a numeric string from some servers (Arize's CLI accepts both).
  const expiresIn = Number(body.expires_in);
  if (typeof body.access_token !== 'string' || !Number.isFinite(expiresIn)) {
    throw new ConnectionError(app, 'EBADRESPONSE', `${app}/oauth2/token answered without access_token and expires_in`);
  }
  return {
    accessToken: body.access_token,
    refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : undefined,
    expiresAt: now + expiresIn * 1000,
    userEmail: emailOf(body.id_token),
  };
}

/** The `email` claim of an id_token, decoded without verifying: it is only shown to the person, never trusted. */
function emailOf(idToken: unknown): string | undefined {
  if (typeof idToken !== 'string') return undefined;
  try {
    const claims = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as { email?: unknown };
    return typeof claims.email === 'string' ? claims.email : undefined;
  } catch {
    return undefined;
  }
}

/** A form post over node:http(s) (not fetch: its first request costs ~180 ms of start-up on Node 20). */
async function postForm(app: string, path: string, form: Record<string, string>): Promise<{ status: number; headers: Record<string, string>; text: string }> {
  const url = new URL(path, app);
  const payload = Buffer.from(new URLSearchParams(form).toString());
  const module = url.protocol === 'https:' ? await import('node:https') : http;
  return new Promise((resolve, reject) => {
    const fail = (error: Error & { code?: string }) => reject(new ConnectionError(app, error.code ?? 'ECONNECTION', `could not reach ${app}: ${error.message}`));
    const req = module.request(url, {
      method: 'POST',
      timeout: 30_000,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(payload.length), accept: 'application/json' },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', fail);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: flattenHeaders(res.headers), text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', fail);
    req.end(payload);
  });
}
