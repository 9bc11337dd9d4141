export { generateKey, parseKey, redactKey, importedPublicId, KEY_PREFIX, type GeneratedKey } from './key-format.js';
export { digestKey, digestsEqual } from './key-digest.js';
export { keyStatus, type ApiKeyStatus } from './key-status.js';
export { KeyVerifier, type KeyFailure, type KeyLookup, type VerifyResult } from './key-verifier.js';
