import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type ChainedFields, entryHash, entryTextAround, GENESIS_HASH } from '../../src/domain/audit-chain.js';

/** docs/audit.md's encoding, written out: hex(SHA-256(UTF-8(JSON.stringify(array)))). */
const documented = (prev: string, e: ChainedFields) => createHash('sha256').update(JSON.stringify([
  'ax-audit-v1', e.account_id, e.seq, prev, e.created_at, e.user_id, e.ip, e.operation_type, e.operation_name, e.operation_text, e.variables,
]), 'utf8').digest('hex');

const entries: ChainedFields[] = [
  { account_id: 1, seq: 1, created_at: '2026-01-01T00:00:00.000Z', user_id: 7, ip: '127.0.0.1', operation_type: 'MUTATION',
    operation_name: 'POST /v2/role-bindings', operation_text: '{"user_id":"VXNlcjox"}', variables: null },
  { account_id: 42, seq: 123456, created_at: '2026-12-31T23:59:59.999Z', user_id: null, ip: '::1', operation_type: 'MUTATION',
    operation_name: null, operation_text: null, variables: '{"id":"x"}' },
  { account_id: 3, seq: 9, created_at: 'x', user_id: 0, ip: '"\\', operation_type: 'MUTATION',
    operation_name: 'quote " backslash \\ controls \b\f\n\r\t\u0001\u001f del \u007f', operation_text: 'é 中 😀 \u2028\u2029 \uFFFD', variables: '[]' },
];

describe('entryTextAround', () => {
  it('is the documented encoding around the place and the hash before it, for any text', () => {
    for (const e of entries) {
      for (const prev of [GENESIS_HASH, 'ab'.repeat(32)]) {
        const { before, after } = entryTextAround(e);
        const text = `${before}${e.seq},${JSON.stringify(prev)}${after}`;
        expect(createHash('sha256').update(text, 'utf8').digest('hex')).toBe(documented(prev, e));
        expect(entryHash(prev, e)).toBe(documented(prev, e));
      }
    }
  });
});
