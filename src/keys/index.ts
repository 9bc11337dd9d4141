export { generateKey, parseKey, redactKey, importedPublicId, KEY_PREFIX } from './key-format.js';
export { digestKey, digestsEqual } from './key-digest.js';
export { keyStatus, type ApiKeyStatus } from './key-status.js';
export { KeyVerifier, type VerifyResult } from './key-verifier.js';
export { scimTokenFormat } from './scim-token-format.js';
