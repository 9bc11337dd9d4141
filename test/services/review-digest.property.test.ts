import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reviewDigest } from '../../src/services/access-reviews/seal.js';
import type { SignedGrant } from '../../src/store/repositories/access-reviews.js';
import { propertyRuns } from '../helpers/property-runs.js';

/**
 * A review's digest is hashed grant by grant as its pages are read: whatever the pages, it must be the digest of the
 * encoding docs/access-reviews.md states for outside verifiers, written here whole from the documented formula.
 */
const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.constantFrom('', '"', '\\', ',', ']]', '[', '\u2028', 'é', '😀'));
const id = fc.integer({ min: 1, max: 2 ** 31 - 1 });
const grant = fc.record({
  principal_type: fc.constantFrom('USER', 'SERVICE_KEY' as const), user_id: id, principal_name: text, principal_email: text,
  principal_status: fc.constantFrom('ACTIVE', 'INVITED', 'EXPIRED', 'DEACTIVATED'),
  source: fc.constantFrom('ACCOUNT_ROLE', 'ORGANIZATION_MEMBERSHIP', 'SPACE_MEMBERSHIP', 'ROLE_BINDING' as const),
  resource_type: fc.constantFrom('ACCOUNT', 'ORGANIZATION', 'SPACE', 'PROJECT' as const), resource_id: id, resource_name: text,
  role_id: fc.option(id, { nil: null }), role_name: text, binding_id: fc.option(id, { nil: null }),
  provenance: fc.constantFrom('MANUAL', 'SSO', 'SCIM' as const), provenance_idp_id: fc.option(id, { nil: null }),
  expires_at: fc.option(fc.constant('2027-01-01T00:00:00.000Z'), { nil: null }),
});
const header = fc.record({ account_id: id, id, name: text, created_at: fc.constant('2026-12-07T10:00:00.000Z'), created_by_user_id: id });

/** The documented encoding, whole: `["ax-access-review-v1", account_id, review_id, name, created_at, created_by_user_id, [grant, …]]`. */
function documentedDigest(h: Parameters<typeof reviewDigest>[0], grants: readonly SignedGrant[]): string {
  const encoded = grants.map((g) => [g.id, g.principal_type, g.user_id, g.principal_name, g.principal_email, g.principal_status, g.source, g.resource_type,
    g.resource_id, g.resource_name, g.role_id, g.role_name, g.binding_id, g.provenance, g.provenance_idp_id, g.expires_at]);
  return createHash('sha256').update(JSON.stringify(['ax-access-review-v1', h.account_id, h.id, h.name, h.created_at, h.created_by_user_id, encoded]), 'utf8').digest('hex');
}

/** The grants cut into pages at `cuts`; a cut drawn twice, or at either end, makes an empty page. */
async function* pagesOf(grants: readonly SignedGrant[], cuts: readonly number[]): AsyncGenerator<SignedGrant[]> {
  const at = cuts.map((c) => c % (grants.length + 1)).sort((a, b) => a - b);
  let from = 0;
  for (const to of [...at, grants.length]) {
    yield grants.slice(from, to);
    from = to;
  }
}

describe("an access review's digest", () => {
  it('is the documented encoding\'s, however the grants are paged', async () => {
    await fc.assert(fc.asyncProperty(header, fc.array(grant, { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 5 }), async (h, drawn, cuts) => {
      const grants: SignedGrant[] = drawn.map((g, i) => ({ ...g, id: 1000 + i }));
      const { digest, grants: count } = await reviewDigest(h, pagesOf(grants, cuts));
      expect(count).toBe(grants.length);
      expect(digest).toBe(documentedDigest(h, grants));
    }), propertyRuns(300));
  });
});
