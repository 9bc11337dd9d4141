import { Type } from '@sinclair/typebox';
import { Id, ListQuery, listResponse, Timestamp } from './common.js';

/**
 * `ax auth login`: this server as an OAuth 2.0 authorization server (identity.md §6). The OAuth endpoints themselves
 * (`/oauth2/*`, `/.well-known/*`) speak RFC 6749/7009/8414 and are served by oidc-provider; what is written here is
 * this product's own surface around them: the console's sign-in-and-consent step and the list of CLI logins.
 */

/** `GET /auth/oauth/interactions/{uid}` etc.: the interaction's uid in the path. */
export const InteractionParams = Type.Object({ uid: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' }) });

/** What the consent page shows: which client asks, from which loopback port, for what, and as whom. */
export const OAuthInteraction = Type.Object({
  uid: Type.String(),
  client_id: Type.String(),
  client_name: Type.String({ description: 'e.g. "ax command-line interface"' }),
  /** The loopback port the CLI listens on (`http://127.0.0.1:<port>/callback`), shown so the user can recognise it. */
  redirect_port: Type.Integer(),
  scopes: Type.Array(Type.String()),
  /** What approving lets the client do, as sentences. */
  allows: Type.Array(Type.String()),
  /** The console user who would approve; null when nobody is signed in (the page signs in first). */
  user: Type.Union([Type.Object({ id: Id, email: Type.String(), name: Type.String() }), Type.Null()]),
  expires_at: Timestamp,
});

/** `POST /auth/oauth/interactions/{uid}/approve` and `/deny`: where the browser goes next (the OAuth server's resume URL). */
export const InteractionDecision = Type.Object({ redirect_to: Type.String() });

/** A CLI login: one OAuth grant (its access and refresh tokens are never shown). */
export const OAuthGrant = Type.Object({
  id: Id,
  user_id: Id,
  user_email: Type.String(),
  client_id: Type.String(),
  client_name: Type.String(),
  scopes: Type.Array(Type.String()),
  created_at: Timestamp,
  /** When a token of this login was last used on the API or refreshed; null before its first use. */
  last_used_at: Type.Union([Timestamp, Type.Null()]),
  /** The login ends then at the latest (90 days after it started); `ax auth login` again after that. */
  expires_at: Timestamp,
});

export const OAuthGrantParams = Type.Object({ grant_id: Id });

/** `GET /v2/oauth-grants`: the caller's own logins, or (account ADMIN) another user's with `user_id`. */
export const OAuthGrantListQuery = Type.Object({
  user_id: Type.Optional(Id),
  ...ListQuery,
}, { additionalProperties: false });

export const OAuthGrantList = listResponse('oauth_grants', OAuthGrant);

/**
 * `GET /auth/cli/callback`: where a CLI's loopback sends the browser once it has the code (or an error). Parameters
 * beyond these pass: the page reads nothing else, and a browser landing there must not meet a 400 over an extra one.
 */
export const CliCallbackQuery = Type.Object({
  status: Type.Union([Type.Literal('success'), Type.Literal('error')]),
  reason: Type.Optional(Type.String({ maxLength: 500 })),
});
