export { fetchSamlMetadata } from './saml-metadata.js';
export { guardedFetch, guardedFetchFunction, OutboundFailedError, type OutboundOptions, OutboundRefusedError } from './guarded-fetch.js';
