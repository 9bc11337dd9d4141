import { randomBytes } from 'node:crypto';

/**
 * Raw credential format: `<prefix><public id>-<secret><checksum>` (API keys: `ak-`, SCIM tokens: `axscim-`).
 * - public id: 12 base62 characters, the record's lookup handle (O(1) lookup, no scan);
 * - secret: 43 base62 characters from 32 CSPRNG bytes (≥ 192 bits);
 * - checksum: CRC32 of everything before it, 6 base62 characters, so typos and scanner hits are rejected
 *   without a database read (GitHub's token scheme does the same).
 */
export const KEY_PREFIX = 'ak-';
const PUBLIC_ID_LENGTH = 12;
const SECRET_LENGTH = 43;
const CHECKSUM_LENGTH = 6;
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const DASH = 0x2d;

function base62(bytes: Buffer, length: number): string {
  let n = BigInt(`0x${bytes.toString('hex')}`);
  let out = '';
  for (let i = 0; i < length; i++) {
    out = ALPHABET[Number(n % 62n)]! + out;
    n /= 62n;
  }
  return out;
}

const CRC_TABLE = Int32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

/**
 * CRC-32 (IEEE, as zlib) of the first `end` characters, read as ASCII (a character past it counts by its low
 * byte: parse() refuses such a string on its shape anyway). Written out because `zlib.crc32` only exists
 * from Node 20.15 (we support every Node 20), and because on 59 characters it is faster than zlib's, which
 * first copies the string into a buffer: this runs on every request.
 */
function crc32(text: string, end: number): number {
  let c = -1;
  for (let i = 0; i < end; i++) c = CRC_TABLE[(c ^ text.charCodeAt(i)) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** The checksum of `text`'s first `end` characters: base62() of the CRC's 4 big-endian bytes, in number arithmetic. */
function checksumOf(text: string, end: number): string {
  let n = crc32(text, end);
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = ALPHABET[n % 62]! + out;
    n = Math.floor(n / 62);
  }
  return out;
}

const DIGIT_VALUE = Int8Array.from({ length: 128 }, (_, code) => ALPHABET.indexOf(String.fromCharCode(code)));

/** True when `text`'s characters from `start` to `end` are all in the alphabet. */
function isBase62(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code >= 128 || DIGIT_VALUE[code]! < 0) return false;
  }
  return true;
}

/** The base62 number written by `text`'s characters from `start` to `end`, or -1 if one is outside the alphabet. */
function base62Value(text: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    const digit = code < 128 ? DIGIT_VALUE[code]! : -1;
    if (digit < 0) return -1;
    n = n * 62 + digit;
  }
  return n;
}

export interface GeneratedKey {
  raw: string;
  publicId: string;
  last4: string;
}

/** One credential kind's format: its own prefix, the same construction (a key of one kind never parses as another). */
export interface CredentialFormat {
  generate(): GeneratedKey;
  /** The public id of a well-formed credential whose checksum holds, else undefined (no I/O). */
  parse(raw: string): { publicId: string } | undefined;
  /** The prefix, the public id's first 3 characters and the last 4 characters (`ak-abc...xyz1`), as Arize shows keys. */
  redact(publicId: string, last4: string): string;
}

/** `prefix`: letters and `-` only. */
export function credentialFormat(prefix: string): CredentialFormat {
  const dash = prefix.length + PUBLIC_ID_LENGTH;
  const length = dash + 1 + SECRET_LENGTH + CHECKSUM_LENGTH;
  const bodyLength = length - CHECKSUM_LENGTH;
  return {
    generate() {
      const publicId = base62(randomBytes(12), PUBLIC_ID_LENGTH);
      const secret = base62(randomBytes(32), SECRET_LENGTH);
      const body = `${prefix}${publicId}-${secret}`;
      const raw = body + checksumOf(body, body.length);
      return { raw, publicId, last4: raw.slice(-4) };
    },
    parse(raw) {
      // The checksum before the shape, as numbers: a typo or a scanner hit is refused after one CRC pass over the
      // string, with nothing allocated. A checksum is 6 base62 digits of a 32-bit CRC (62^6 > 2^32), so comparing
      // values is comparing the digits. The shape is checked by hand: a regular expression cost more than the CRC.
      if (raw.length !== length || base62Value(raw, bodyLength, length) !== crc32(raw, bodyLength)) return undefined;
      if (!raw.startsWith(prefix) || raw.charCodeAt(dash) !== DASH) return undefined;
      if (!isBase62(raw, prefix.length, dash) || !isBase62(raw, dash + 1, bodyLength)) return undefined;
      return { publicId: raw.slice(prefix.length, prefix.length + PUBLIC_ID_LENGTH) };
    },
    redact(publicId, last4) {
      return `${prefix}${publicId.slice(0, 3)}...${last4}`;
    },
  };
}

const apiKeyFormat = credentialFormat(KEY_PREFIX);

export function generateKey(): GeneratedKey {
  return apiKeyFormat.generate();
}

/** The public id of a well-formed key whose checksum holds, else undefined (no I/O). */
export function parseKey(raw: string): { publicId: string } | undefined {
  return apiKeyFormat.parse(raw);
}

/** `redacted_key`: the prefix and the last 4 characters, as Arize shows it (`ak-abc...xyz`). */
export function redactKey(publicId: string, last4: string): string {
  return apiKeyFormat.redact(publicId, last4);
}

/**
 * Keys handed in from outside (AX_ADMIN_API_KEY) need not follow the format above; they are stored under a
 * public id derived from their digest, and the verifier looks them up only when that id is a known import.
 */
export function importedPublicId(digestHex: string): string {
  return `imp${digestHex.slice(0, 9)}`;
}
