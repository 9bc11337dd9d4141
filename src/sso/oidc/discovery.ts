import { ApiError } from '../../domain/errors.js';
import { guardedFetch, OutboundFailedError, type OutboundOptions, OutboundRefusedError } from '../outbound/index.js';

const failed = (reason: string) => new ApiError('OIDC_DISCOVERY_FAILED', reason);

/**
 * OIDC discovery at `{issuer}/.well-known/openid-configuration` through the outbound guard (identity.md §3.3): the
 * document must name exactly this issuer (a mix-up defence: a different string is a different provider), offer the
 * `code` response type and the endpoints the login needs. Answers the document as JSON text, to cache.
 */
export async function discoverOidcProvider(issuer: string, options: OutboundOptions): Promise<string> {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw failed(`issuer is not a URL: ${issuer}`);
  }
  if (url.search !== '' || url.hash !== '') throw failed('issuer must not have a query or a fragment');
  const discoveryUrl = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  let answer;
  try {
    answer = await guardedFetch(discoveryUrl, { headers: { accept: 'application/json' } }, options);
  } catch (error) {
    if (error instanceof OutboundRefusedError) throw new ApiError('SSO_URL_NOT_ALLOWED', `issuer: ${error.reason}`);
    if (error instanceof OutboundFailedError) throw failed(`${discoveryUrl}: ${error.reason}`);
    throw error;
  }
  if (answer.status < 200 || answer.status > 299) throw failed(`${discoveryUrl} answered HTTP ${answer.status}`);
  let document: unknown;
  try {
    document = JSON.parse(answer.body.toString('utf8'));
  } catch {
    throw failed(`${discoveryUrl} did not answer JSON`);
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) throw failed(`${discoveryUrl} did not answer a JSON object`);
  const metadata = document as Record<string, unknown>;
  if (metadata.issuer !== issuer) {
    throw failed(`the discovery document names the issuer ${JSON.stringify(metadata.issuer)}, not ${JSON.stringify(issuer)} (they must be equal, character for character)`);
  }
  const responseTypes = metadata.response_types_supported;
  if (!Array.isArray(responseTypes) || !responseTypes.includes('code')) throw failed('the provider does not offer the code response type (response_types_supported)');
  for (const field of ['authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const) {
    if (typeof metadata[field] !== 'string' || !URL.canParse(metadata[field])) throw failed(`the discovery document has no valid ${field}`);
  }
  return JSON.stringify(metadata);
}
