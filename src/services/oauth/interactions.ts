import type Provider from 'oidc-provider';
import { ApiError, forbidden, unauthenticated } from '../../domain/errors.js';
import { encodeId } from '../../domain/ids.js';
import type { ServiceDeps } from '../service-deps.js';
import { resolveSession, type ResolvedSession } from '../session-resolver.js';
import { requireCsrf, requireSession, type RequestOrigin, sessionTiming } from '../sessions.js';
import { AuditLogRepository } from '../../store/repositories/audit-logs.js';
import { CLI_CLIENT, CLI_ALLOWS } from './provider.js';

/** The interaction as the consent page shows it (wire: OAuthInteraction). */
export interface InteractionView {
  uid: string;
  clientId: string;
  clientName: string;
  redirectPort: number;
  scopes: string[];
  allows: string[];
  user: { id: number; email: string; name: string } | null;
  expiresAt: Date;
}

/** Scopes a grant holds: of what the CLI asked, only these. */
const GRANTED_SCOPES = ['openid', 'email'];

const GONE = 'this login request is unknown or has expired (10 minutes); run `ax auth login` again';

async function findInteraction(provider: Provider, uid: string) {
  const interaction = await provider.Interaction.find(uid);
  if (!interaction) throw new ApiError('NOT_FOUND', GONE);
  if (interaction.result !== undefined) throw new ApiError('CONFLICT', 'this login request was already answered; run `ax auth login` again');
  return interaction;
}

/**
 * `prompt=login` (identity.md §6.3): the person signs in again, so only a console session opened after the login
 * request started counts; an older one is shown as nobody signed in, and cannot approve.
 */
function signedInForThis(session: ResolvedSession, interaction: { params: Record<string, unknown>; iat: number }): boolean {
  const prompts = String(interaction.params.prompt ?? '').split(' ');
  // `iat` is in whole seconds: a session of that very second may predate the request, and nobody signs in that fast.
  return !prompts.includes('login') || Date.parse(session.createdAt) >= (interaction.iat + 1) * 1000;
}

function portOf(redirectUri: unknown): number {
  const url = new URL(String(redirectUri));
  return url.port === '' ? 80 : Number(url.port);
}

/**
 * `GET /auth/oauth/interactions/{uid}`: what the console's `/authorize/{uid}` page shows — the client, the loopback
 * port the CLI listens on, what approving allows, and who is signed in to the console (null: sign in first).
 */
export async function describeInteraction(ctx: ServiceDeps, provider: Provider, uid: string, cookie: string | undefined): Promise<InteractionView> {
  const interaction = await findInteraction(provider, uid);
  const session = cookie ? await resolveSession(ctx.store.db, ctx.secrets.tokenKey, cookie, sessionTiming(ctx)) : undefined;
  const requested = String(interaction.params.scope ?? '').split(' ');
  return {
    uid,
    clientId: CLI_CLIENT.client_id,
    clientName: CLI_CLIENT.client_name,
    redirectPort: portOf(interaction.params.redirect_uri),
    scopes: GRANTED_SCOPES.filter((scope) => requested.includes(scope)),
    allows: CLI_ALLOWS,
    user: session && !session.principal.isBot && signedInForThis(session, interaction) ? { id: session.principal.userId, email: session.principal.email, name: session.principal.name } : null,
    expiresAt: new Date(interaction.exp * 1000),
  };
}

/**
 * `POST /auth/oauth/interactions/{uid}/approve`: the signed-in console user (session + CSRF token; a password that
 * must change first refuses) approves the CLI login. A grant is created for exactly `openid email` and recorded as
 * the interaction's answer; the browser then goes to the OAuth server's resume URL, which only the browser that
 * started the login can use (its resume cookie), and which redirects to the CLI's loopback with the code.
 */
export async function approveInteraction(
  ctx: ServiceDeps, provider: Provider, uid: string, cookie: string | undefined, csrf: string | string[] | undefined, origin: RequestOrigin,
): Promise<string> {
  const session = await requireSession(ctx, cookie);
  requireCsrf(session, csrf);
  if (session.mustChangePassword) throw new ApiError('PASSWORD_CHANGE_REQUIRED', 'choose a new password first, then approve the CLI login');
  if (session.principal.isBot) throw forbidden('a bot user cannot log in a CLI');
  const interaction = await findInteraction(provider, uid);
  if (!signedInForThis(session, interaction)) throw unauthenticated('this login asks you to sign in again (prompt=login): sign in with POST /auth/login, then approve');
  const accountId = encodeId('User', session.principal.userId);
  const grant = new provider.Grant({ accountId, clientId: CLI_CLIENT.client_id });
  const requested = String(interaction.params.scope ?? '').split(' ');
  grant.addOIDCScope(GRANTED_SCOPES.filter((scope) => requested.includes(scope)).join(' '));
  const grantId = await grant.save();
  interaction.result = { login: { accountId }, consent: { grantId } };
  await interaction.save(Math.max(1, interaction.exp - Math.floor(Date.now() / 1000)));
  await new AuditLogRepository(ctx.store.db, session.principal.accountId).recordMutation({
    userId: session.principal.userId, ip: origin.ip, operation: 'OAUTH_GRANT_CREATED',
    text: JSON.stringify({ client_id: CLI_CLIENT.client_id, redirect_port: portOf(interaction.params.redirect_uri), scope: grant.openid?.scope }),
    variables: JSON.stringify({ user_id: accountId }), at: new Date(ctx.clock.now()).toISOString(),
  });
  return interaction.returnTo;
}

/**
 * `POST /auth/oauth/interactions/{uid}/deny`: the CLI gets `access_denied`; nothing else happens. Like approve it
 * needs the console session and its CSRF token (identity.md §6.1), so no other site can end a login request.
 */
export async function denyInteraction(
  ctx: ServiceDeps, provider: Provider, uid: string, cookie: string | undefined, csrf: string | string[] | undefined,
): Promise<string> {
  requireCsrf(await requireSession(ctx, cookie), csrf);
  const interaction = await findInteraction(provider, uid);
  interaction.result = { error: 'access_denied', error_description: 'the user denied the login in the browser' };
  await interaction.save(Math.max(1, interaction.exp - Math.floor(Date.now() / 1000)));
  return interaction.returnTo;
}
