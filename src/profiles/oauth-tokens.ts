import type { ProfileConfig } from './profile-file.js';

/** `[auth] auth_method`: how a profile authenticates. Arize's CLI writes `api-key` or `oauth`; absent means a key. */
export type AuthMethod = 'api-key' | 'oauth';

/** The tokens of an `ax auth login`, as held in `[auth.oauth]`. */
export interface OAuthTokens {
  accessToken: string;
  refreshToken: string | undefined;
  /** Milliseconds since the epoch. */
  expiresAt: number;
  userEmail: string | undefined;
}

export function authMethod(config: ProfileConfig | undefined): AuthMethod {
  return config?.auth?.auth_method === 'oauth' ? 'oauth' : 'api-key';
}

/** The profile's login, or undefined when it holds no access token (never logged in, logged out, or ended). */
export function readOAuthTokens(config: ProfileConfig | undefined): OAuthTokens | undefined {
  const section = config?.auth?.oauth;
  if (!section?.access_token) return undefined;
  const expiresAt = section.expires_at instanceof Date ? section.expires_at.getTime() : Date.parse(section.expires_at ?? '');
  return {
    accessToken: section.access_token,
    refreshToken: section.refresh_token || undefined,
    // No readable expiry: treat the token as expiring now, so the next command refreshes it.
    expiresAt: Number.isNaN(expiresAt) ? 0 : expiresAt,
    userEmail: section.user_email || undefined,
  };
}

/** The profile with `auth_method = "oauth"` and these tokens in `[auth.oauth]`, in Arize's layout. */
export function withOAuthTokens(config: ProfileConfig, tokens: OAuthTokens): ProfileConfig {
  const oauth = {
    access_token: tokens.accessToken,
    ...(tokens.refreshToken === undefined ? {} : { refresh_token: tokens.refreshToken }),
    // Arize writes seconds precision with a Z: 2026-12-02T10:00:00Z.
    expires_at: new Date(tokens.expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...(tokens.userEmail === undefined ? {} : { user_email: tokens.userEmail }),
  };
  return { ...config, auth: { ...config.auth, auth_method: 'oauth', oauth } };
}

/** The profile without its tokens; `auth_method` stays, so `ax auth login` logs it in again. */
export function withoutOAuthTokens(config: ProfileConfig): ProfileConfig {
  if (!config.auth) return config;
  const { oauth: _dropped, ...auth } = config.auth;
  return { ...config, auth };
}
