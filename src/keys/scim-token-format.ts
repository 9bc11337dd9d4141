import { credentialFormat } from './key-format.js';

/**
 * A directory's SCIM bearer token (identity.md §5.1): `axscim-<public id>-<secret><crc32>`, the API-key construction
 * with a prefix of its own, so that a SCIM token never parses as an API key (refused on `/v2`) nor an API key as a
 * SCIM token (refused on `/scim/v2`), and a secret scanner can tell them apart.
 */
export const scimTokenFormat = credentialFormat('axscim-');
