// What the HTTP presenters show of a key: its status and its redacted form, decided by the keys layer.
export { keyStatus, redactKey } from '../keys/index.js';
