import { createHash, randomBytes } from 'node:crypto';
import { CLI_CLIENT_ID } from '../../domain/oauth-client.js';

/** The secrets of one `ax auth login`: `state` (16 random bytes) and the PKCE verifier (32), base64url. */
export interface LoginSecrets {
  state: string;
  verifier: string;
}

export function createLoginSecrets(): LoginSecrets {
  return { state: randomBytes(16).toString('base64url'), verifier: randomBytes(32).toString('base64url') };
}

/** The loopback redirect URI for a listener on `port` (the host must be the literal 127.0.0.1). */
export function redirectUri(port: number): string {
  return `http://127.0.0.1:${port}/callback`;
}

/** The authorize URL Arize's CLI opens (identity.md §6.3): client `arize-cli`, PKCE S256, scope `openid email`. */
export function authorizeUrl(app: string, port: number, secrets: LoginSecrets): string {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: CLI_CLIENT_ID,
    redirect_uri: redirectUri(port),
    state: secrets.state,
    scope: 'openid email',
    code_challenge: createHash('sha256').update(secrets.verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  // URLSearchParams writes a space as +; Arize's CLI sends scope=openid%20email.
  return `${app}/oauth2/authorize?${query.toString().replace(/\+/g, '%20')}`;
}
