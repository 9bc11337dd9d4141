import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';

/**
 * The audit chain's encoding (docs/audit.md states it for outside verifiers): each entry of an account is hashed
 * together with the hash of the entry before it, so editing, deleting, inserting or reordering any entry changes
 * every hash after it. Signed checkpoints (Ed25519) vouch for the chain up to an entry.
 */

/** The hash before an account's first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an audit entry the chain covers, as stored. */
export interface ChainedFields {
  account_id: number;
  seq: number;
  created_at: string;
  user_id: number | null;
  ip: string;
  operation_type: string;
  operation_name: string | null;
  operation_text: string | null;
  variables: string | null;
}

/**
 * `hex(SHA-256(UTF-8(JSON array)))`: the array is `["ax-audit-v1", account_id, seq, prev_hash, created_at, user_id,
 * ip, operation_type, operation_name, operation_text, variables]`, serialized as ECMAScript's JSON.stringify does
 * (which for strings, integers and null is RFC 8785's canonical form: no white space, the shortest escapes).
 */
export function entryHash(prevHash: string, e: ChainedFields): string {
  return hashAround(entryTextAround(e), e.seq, prevHash);
}

/** entryHash from the entry's text around its place (entryTextAround), for a writer that has that text already. */
export function hashAround(around: { before: string; after: string }, seq: number, prevHash: string): string {
  return createHash('sha256').update(`${around.before}${seq},${JSON.stringify(prevHash)}${around.after}`, 'utf8').digest('hex');
}

/**
 * The text entryHash hashes, around the entry's place and the hash before it: `before + seq + "," +
 * JSON.stringify(prevHash) + after` (a JSON array's elements joined by commas), for a writer that learns the place
 * and the previous hash inside the database and hashes there.
 */
export function entryTextAround(e: Omit<ChainedFields, 'seq'>): { before: string; after: string } {
  const before = JSON.stringify(['ax-audit-v1', e.account_id]);
  const after = JSON.stringify([e.created_at, e.user_id, e.ip, e.operation_type, e.operation_name, e.operation_text, e.variables]);
  return { before: `${before.slice(0, -1)},`, after: `,${after.slice(1)}` };
}

/** What a checkpoint signs: `["ax-audit-checkpoint-v1", account_id, seq, hash, created_at]`, encoded as entries are. */
export function checkpointMessage(c: { account_id: number; seq: number; hash: string; created_at: string }): Buffer {
  return Buffer.from(JSON.stringify(['ax-audit-checkpoint-v1', c.account_id, c.seq, c.hash, c.created_at]), 'utf8');
}

/**
 * What an archive marker signs: `["ax-audit-archive-v1", account_id, seq, hash]` — the entries up to `seq` (whose last
 * hash is `hash`) left the database for an archive file, so a verifier starts after them.
 */
export function archiveMessage(a: { account_id: number; seq: number; hash: string }): Buffer {
  return Buffer.from(JSON.stringify(['ax-audit-archive-v1', a.account_id, a.seq, a.hash]), 'utf8');
}

/** PKCS#8 DER of an Ed25519 private key is this prefix followed by its 32-byte seed (RFC 8410). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The checkpoint signer: an Ed25519 key made from a 32-byte seed (the first 32 bytes of `secret`). */
export class CheckpointSigner {
  readonly publicKey: KeyObject;
  /** Base64 of the raw 32-byte public key: what a verifier pins. */
  readonly publicKeyBase64: string;
  /** The first 16 hex digits of SHA-256 of the raw public key; stored with each checkpoint. */
  readonly keyId: string;
  readonly #privateKey: KeyObject;

  constructor(secret: Buffer) {
    if (secret.length < 32) throw new Error('the audit signing key needs 32 bytes');
    this.#privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, secret.subarray(0, 32)]), format: 'der', type: 'pkcs8' });
    this.publicKey = createPublicKey(this.#privateKey);
    const raw = rawPublicKey(this.publicKey);
    this.publicKeyBase64 = raw.toString('base64');
    this.keyId = createHash('sha256').update(raw).digest('hex').slice(0, 16);
  }

  /** Base64 Ed25519 signature of the checkpoint message. */
  sign(message: Buffer): string {
    return sign(null, message, this.#privateKey).toString('base64');
  }

  verify(message: Buffer, signature: string): boolean {
    return verify(null, message, this.publicKey, Buffer.from(signature, 'base64'));
  }
}

/** The raw 32 bytes of an Ed25519 public key (the end of its SPKI DER). */
function rawPublicKey(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'spki' }).subarray(-32);
}
