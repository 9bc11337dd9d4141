export { assertClaimPath, type ClaimPaths, identityFromClaims } from './claims.js';
export { buildOidcAuthorizationUrl, completeOidcAuthorization, type OidcClient, oidcClient, type OidcClientSettings } from './client.js';
export { discoverOidcProvider } from './discovery.js';
