import { createHash, createPublicKey, verify } from 'node:crypto';
import { archiveMessage, type ChainedFields, entryHash, GENESIS_HASH } from './audit-chain.js';

/**
 * The offline check of an audit archive file (docs/audit.md, "Retention"): a header line, one line per entry, and a
 * signed trailer. Every entry's hash is recomputed from its fields and the hash before it, and the trailer's Ed25519
 * signature is checked — against the key the auditor pinned, or else the one the file carries (which proves only that
 * the file is consistent, not who wrote it). Needs neither a server nor a database.
 */
export interface ArchiveCheck {
  valid: boolean;
  account_id?: number | undefined;
  from_seq?: number | undefined;
  to_seq?: number | undefined;
  entries_checked: number;
  /** The last entry's hash: the next archive file's `prev_hash`, or the hash the database's chain continues from. */
  last_hash?: string | undefined;
  key_id?: string | undefined;
  /** `pinned`: checked against the key given; `archive`: against the key the file carries (consistency only). */
  public_key_source: 'pinned' | 'archive';
  first_broken?: { line: number; seq?: number | undefined; reason: string } | undefined;
}

type Line = Record<string, unknown>;

const HEX_HASH = /^[0-9a-f]{64}$/;
/** SPKI DER of an Ed25519 public key is this prefix followed by its raw 32 bytes (RFC 8410). */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** A raw 32-byte Ed25519 public key from 64 hex digits or base64 (as the server shows it); undefined if neither. */
export function parsePublicKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/]{43}=$/.test(trimmed)) return Buffer.from(trimmed, 'base64');
  return undefined;
}

const isInt = (v: unknown): v is number => Number.isSafeInteger(v);
const isNullableString = (v: unknown) => v === null || typeof v === 'string';

/** Checks an archive's text; `publicKey` (raw 32 bytes) is the key the auditor recorded, when given. */
export function checkArchive(text: string, publicKey?: Buffer): ArchiveCheck {
  const result: ArchiveCheck = { valid: false, entries_checked: 0, public_key_source: publicKey ? 'pinned' : 'archive' };
  const broken = (line: number, reason: string, seq?: number): ArchiveCheck => ({ ...result, first_broken: { line, ...(seq === undefined ? {} : { seq }), reason } });
  const raw = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  const lines: (Line | undefined)[] = raw.map((line) => {
    try {
      const value: unknown = JSON.parse(line);
      return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Line : undefined;
    } catch {
      return undefined;
    }
  });
  if (text.length === 0) return broken(1, 'the file is empty: no header');

  const header = lines[0];
  if (header === undefined) return broken(1, 'not a JSON object');
  if (header.type !== 'header' || header.encoding !== 'ax-audit-v1') return broken(1, 'not an ax-audit-v1 archive header');
  const { account_id: accountId, from_seq: fromSeq, to_seq: toSeq, prev_hash: prevHash } = header;
  if (!isInt(accountId) || !isInt(fromSeq) || !isInt(toSeq) || fromSeq < 1 || toSeq < fromSeq || typeof prevHash !== 'string' || !HEX_HASH.test(prevHash)) {
    return broken(1, 'the header needs account_id, from_seq ≤ to_seq and a 64-hex-digit prev_hash');
  }
  if (fromSeq === 1 && prevHash !== GENESIS_HASH) return broken(1, 'the first archive of a chain must start from the zero hash');
  Object.assign(result, { account_id: accountId, from_seq: fromSeq, to_seq: toSeq });

  let hash = prevHash;
  let seq = fromSeq;
  let n = 1;
  for (; n < lines.length && seq <= toSeq; n++) {
    const entry = lines[n];
    const at = n + 1;
    if (entry === undefined) return broken(at, 'not a JSON object', seq);
    if (entry.type !== 'entry') return broken(at, `entry seq ${seq} is missing (found a "${String(entry.type)}" line)`, seq);
    if (entry.account_id !== accountId) return broken(at, 'the entry belongs to another account', seq);
    if (entry.seq !== seq) return broken(at, `expected seq ${seq}, found ${JSON.stringify(entry.seq)}`, seq);
    const fields = [entry.created_at, entry.ip, entry.operation_type].every((v) => typeof v === 'string')
      && [entry.operation_name, entry.operation_text, entry.variables].every(isNullableString) && (entry.user_id === null || isInt(entry.user_id));
    if (!fields) return broken(at, 'the entry lacks a field the chain covers', seq);
    hash = entryHash(hash, entry as unknown as ChainedFields);
    if (entry.hash !== hash) return broken(at, 'its content or its place does not match its hash', seq);
    result.entries_checked += 1;
    result.last_hash = hash;
    seq += 1;
  }
  const at = n + 1;
  if (seq <= toSeq) return broken(at, `the file ends before seq ${toSeq} (the header's to_seq)`, seq);
  const trailer = lines[n];
  if (trailer === undefined) return broken(at, n < lines.length ? 'not a JSON object' : 'the signed archive line is missing (the file was cut short)');
  if (trailer.type !== 'archive') return broken(at, `expected the signed archive line after seq ${toSeq}, found a "${String(trailer.type)}" line`);
  if (trailer.account_id !== accountId || trailer.seq !== toSeq || trailer.hash !== hash) {
    return broken(at, 'the archive line does not name the last entry (account, seq and hash)');
  }
  const carried = typeof trailer.public_key === 'string' ? parsePublicKey(trailer.public_key) : undefined;
  const key = publicKey ?? carried;
  if (key === undefined) return broken(at, 'no public key: the archive line carries none, and none was given');
  result.key_id = createHash('sha256').update(key).digest('hex').slice(0, 16);
  if (typeof trailer.signature !== 'string' || !verify(null, archiveMessage({ account_id: accountId, seq: toSeq, hash }),
    createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, key]), format: 'der', type: 'spki' }), Buffer.from(trailer.signature, 'base64'))) {
    return broken(at, publicKey ? 'the signature does not hold under the given public key' : 'the signature does not hold under the key the archive carries');
  }
  if (n + 1 < lines.length) return broken(at + 1, 'lines after the signed archive line');
  return { ...result, valid: true };
}
