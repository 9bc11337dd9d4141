import { isoNow } from '../../domain/clock.js';
import { ApiError } from '../../domain/errors.js';
import { fetchSamlMetadata } from '../../sso/outbound/index.js';
import { type IdpMetadata, parseIdpMetadata } from '../../sso/saml/index.js';
import { IdentityProviderLookup } from '../../store/identity-provider-lookup.js';
import type { IdentityProviderRow } from '../../store/schema.js';
import type { ServiceDeps } from '../service-deps.js';

/** Metadata from a URL older than this is fetched again by whichever process needs it (identity.md §2.7). */
const METADATA_MAX_AGE_MS = 60 * 60_000;
/** After a signature failure, a provider's metadata is fetched again at most this often (per server). */
const REFETCH_AFTER_FAILURE_MS = 60_000;

/** The provider's signing metadata as cached in its row (parsed on each use: a provider changed elsewhere counts). */
export function cachedIdpMetadata(idp: IdentityProviderRow): IdpMetadata {
  if (idp.metadata_cached === null) throw new ApiError('SAML_METADATA_INVALID', 'the identity provider has no metadata; give metadata_url or metadata_xml');
  return parseIdpMetadata(idp.metadata_cached);
}

/**
 * The metadata to validate a response with: the cached copy, fetched again first when it came from a URL and is
 * older than an hour. A failed fetch keeps the last good copy (and logs a warning): an IdP's metadata endpoint being
 * down must not stop its users from signing in.
 */
export async function currentIdpMetadata(ctx: ServiceDeps, idp: IdentityProviderRow): Promise<IdpMetadata> {
  const fetchedAt = idp.metadata_fetched_at === null ? 0 : Date.parse(idp.metadata_fetched_at);
  if (idp.metadata_url !== null && ctx.clock.now() - fetchedAt > METADATA_MAX_AGE_MS) {
    const fresh = await refetch(ctx, idp);
    if (fresh) return fresh;
  }
  return cachedIdpMetadata(idp);
}

/**
 * After a signature failure: metadata from a URL is fetched again (at most once a minute per provider), so that a
 * certificate rollover at the IdP does not lock its users out. Undefined when there is nothing new to try.
 */
export async function refetchAfterSignatureFailure(ctx: ServiceDeps, idp: IdentityProviderRow): Promise<IdpMetadata | undefined> {
  if (idp.metadata_url === null) return undefined;
  const now = ctx.clock.now();
  if (now - (ctx.samlFailureRefetches.get(idp.id) ?? -Infinity) < REFETCH_AFTER_FAILURE_MS) return undefined;
  ctx.samlFailureRefetches.set(idp.id, now);
  return refetch(ctx, idp);
}

async function refetch(ctx: ServiceDeps, idp: IdentityProviderRow): Promise<IdpMetadata | undefined> {
  try {
    const xml = await fetchSamlMetadata(idp.metadata_url!, { allowedPrivateHosts: ctx.config.ssoAllowedPrivateHosts });
    const metadata = parseIdpMetadata(xml);
    await new IdentityProviderLookup(ctx.store.db).storeMetadata(idp.id, xml, isoNow(ctx.clock));
    return metadata;
  } catch (error) {
    ctx.log.warn({ idpId: idp.id, reason: error instanceof Error ? error.message : String(error) },
      'SAML metadata could not be fetched again; keeping the last good copy');
    return undefined;
  }
}
