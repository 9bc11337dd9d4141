import cookie from '@fastify/cookie';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../domain/errors.js';
import type { ServiceDeps } from '../../services/service-deps.js';
import { SESSION_COOKIE, type OpenedSession, type RequestOrigin } from '../../services/sessions.js';
import { discoverSignIn } from '../../services/sso/discover.js';
import { LOGIN_ATTEMPT_TTL_MS, SSO_COOKIE } from '../../services/sso/login-attempts.js';
import { completeSamlLogin, type CompletedLogin } from '../../services/sso/login-completion.js';
import { completeOidcLogin, startOidcLogin } from '../../services/sso/oidc-login.js';
import { receiveSamlResponse } from '../../services/sso/saml-acs.js';
import { samlSpMetadata, type SamlLoginStart, startSamlLogin } from '../../services/sso/saml-login.js';
import { errorResponses } from '../../wire/common.js';
import { SsoDiscoverBody, SsoDiscoverResult } from '../../wire/identity-providers.js';
import { AcsForm, OidcCallbackQuery, SpMetadataQuery, SpMetadataXml, SsoCompleteQuery, SsoLoginQuery } from '../../wire/sso-login.js';
import { requestCookie } from '../cookies.js';
import { sendSsoError } from '../sso-error-page.js';
import { traceServices } from '../tracing/service-tracing.js';

const ssoDiscoverService = traceServices('sso/discover', { discoverSignIn });
const ssoLoginCompletionService = traceServices('sso/login-completion', { completeSamlLogin });
const ssoOidcLoginService = traceServices('sso/oidc-login', { completeOidcLogin, startOidcLogin });
const ssoSamlAcsService = traceServices('sso/saml-acs', { receiveSamlResponse });
const ssoSamlLoginService = traceServices('sso/saml-login', { samlSpMetadata, startSamlLogin });
const tags = ['single sign-on'];
/** Public routes: the person signing in has no credential yet. */
const config = { public: true };
const security: [] = [];

/** A SAMLResponse of at most 256 KiB decoded is about 342 KiB of base64, a little more once form-encoded. */
const ACS_BODY_LIMIT = 512 * 1024;

const COMPLETE_PATH = '/auth/sso/complete';

/** The form fields of the HTTP-POST binding, read from a urlencoded body; any other content type gives none. */
function parseAcsBody(contentType: string | undefined, body: string): { SAMLResponse?: string; RelayState?: string } {
  if (!(contentType ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) return {};
  const form = new URLSearchParams(body);
  const fields: { SAMLResponse?: string; RelayState?: string } = {};
  const response = form.get('SAMLResponse');
  const relayState = form.get('RelayState');
  if (response !== null) fields.SAMLResponse = response;
  if (relayState !== null) fields.RelayState = relayState;
  return fields;
}

/**
 * Single sign-on in the browser (identity.md §2.1–§2.3, §3.1): sign-in routing by email domain, the SP metadata,
 * SAML login start, the ACS and the completion, the OIDC login and callback. Errors are an error page for a browser
 * and problem+json for `Accept: application/json` (sso-error-page.ts); every refusal of an answer from an IdP is
 * recorded as a failed authentication (the services do it).
 */
export async function ssoLoginRoutes(fastify: FastifyInstance, ctx: ServiceDeps): Promise<void> {
  // These answers set cookies (reply.setCookie): the plugin's hooks serve this module's routes only (cookies.ts).
  await fastify.register(cookie);
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  // Only this module's routes: an ApiError becomes the page or the problem; anything else goes to the app's handler.
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ApiError) return sendSsoError(request, reply, error);
    throw error;
  });

  const origin = (request: FastifyRequest): RequestOrigin => ({ ip: request.ip, operation: `${request.method} ${request.routeOptions.url ?? ''}` });
  const secure = (request: FastifyRequest) => request.protocol === 'https';
  const setBrowserBinding = (request: FastifyRequest, reply: FastifyReply, cookie: string) => {
    reply.setCookie(SSO_COOKIE, cookie, { httpOnly: true, sameSite: 'lax', path: '/auth', secure: secure(request), maxAge: LOGIN_ATTEMPT_TTL_MS / 1000 });
  };
  // The console session, set exactly as the password sign-in sets it (auth-sessions.ts); the binding is spent.
  const signedIn = (request: FastifyRequest, reply: FastifyReply, login: CompletedLogin) => {
    const session: OpenedSession = login.session;
    reply.setCookie(SESSION_COOKIE, session.token, { httpOnly: true, sameSite: 'lax', path: '/', secure: secure(request), expires: session.expiresAt });
    reply.clearCookie(SSO_COOKIE, { path: '/auth' });
    return reply.redirect(login.returnTo, 302);
  };
  const toIdp = (reply: FastifyReply, start: SamlLoginStart) => (start.kind === 'redirect'
    ? reply.redirect(start.url, 302)
    : reply.header('content-security-policy', start.contentSecurityPolicy).type('text/html; charset=utf-8').send(start.html));

  app.post('/auth/sso/discover', {
    config: { ...config, reads: true }, schema: { tags, security, body: SsoDiscoverBody, response: { 200: SsoDiscoverResult, ...errorResponses } },
  }, async (request) => ssoDiscoverService.discoverSignIn(ctx, request.body.email));

  app.get('/auth/v2/saml/metadata', {
    config, schema: { tags, security, querystring: SpMetadataQuery, response: { 200: SpMetadataXml, ...errorResponses } },
  }, async (request, reply) => reply.type('application/xml; charset=utf-8').send(await ssoSamlLoginService.samlSpMetadata(ctx, request.query.idp_id)));

  app.get('/auth/v2/saml/login', {
    config, schema: { tags, security, querystring: SsoLoginQuery, response: { ...errorResponses } },
  }, async (request, reply) => {
    const start = await ssoSamlLoginService.startSamlLogin(ctx, request.query);
    setBrowserBinding(request, reply, start.cookie);
    return toIdp(reply, start);
  });

  // The ACS takes the IdP's auto-submitted form: its own parser (urlencoded, this route only) and body limit.
  await app.register(async (scope) => {
    const acs = scope.withTypeProvider<TypeBoxTypeProvider>();
    acs.removeAllContentTypeParsers();
    acs.addContentTypeParser('*', { parseAs: 'string', bodyLimit: ACS_BODY_LIMIT }, (request, body, done) => {
      done(null, parseAcsBody(request.headers['content-type'], body as string));
    });
    acs.post('/auth/v2/saml', {
      config, bodyLimit: ACS_BODY_LIMIT, schema: { hide: true, body: AcsForm },
    }, async (request, reply) => {
      const { attemptId } = await ssoSamlAcsService.receiveSamlResponse(ctx, origin(request), request.body);
      return reply.redirect(`${COMPLETE_PATH}?attempt=${encodeURIComponent(attemptId)}`, 303);
    });
  });

  app.get(COMPLETE_PATH, {
    config, schema: { tags, security, querystring: SsoCompleteQuery, response: { ...errorResponses } },
  }, async (request, reply) => signedIn(request, reply, await ssoLoginCompletionService.completeSamlLogin(ctx, origin(request), request.query.attempt, requestCookie(request, SSO_COOKIE))));

  app.get('/auth/oidc/login', {
    config, schema: { tags, security, querystring: SsoLoginQuery, response: { ...errorResponses } },
  }, async (request, reply) => {
    const start = await ssoOidcLoginService.startOidcLogin(ctx, request.query);
    setBrowserBinding(request, reply, start.cookie);
    return reply.redirect(start.url, 302);
  });

  app.get('/auth/oidc/callback', {
    config, schema: { tags, security, querystring: OidcCallbackQuery, response: { ...errorResponses } },
  }, async (request, reply) => {
    const q = request.url.indexOf('?');
    const login = await ssoOidcLoginService.completeOidcLogin(ctx, origin(request), {
      query: q === -1 ? '' : request.url.slice(q + 1), state: request.query.state,
    }, requestCookie(request, SSO_COOKIE));
    return signedIn(request, reply, login);
  });
}
