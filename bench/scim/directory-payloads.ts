/** What a directory sends in its initial sync (identity.md §5.3, §5.6), shaped as Entra ID sends it. */
export const SCIM_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const SCIM_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const SCIM_PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** The i-th person of the directory: `user<i>@example.com`, with the attributes Entra's default mapping sends. */
export function userPayload(i: number): string {
  const userName = `user${i}@example.com`;
  return JSON.stringify({
    schemas: [SCIM_USER, ENTERPRISE_USER],
    externalId: `ext-${i}`,
    userName,
    active: true,
    displayName: `User ${i}`,
    emails: [{ primary: true, type: 'work', value: userName }],
    name: { formatted: `User ${i}`, familyName: `${i}`, givenName: 'User' },
    title: 'Engineer',
    [ENTERPRISE_USER]: { department: `Department ${i % 20}`, employeeNumber: `${100_000 + i}` },
  });
}

/** Group `g-<k>` (k from 1) with the given members (SCIM user ids). */
export function groupPayload(k: number, memberIds: readonly string[]): string {
  return JSON.stringify({ schemas: [SCIM_GROUP], displayName: `g-${k}`, externalId: `grp-${k}`, members: memberIds.map((value) => ({ value })) });
}

/** Entra's membership change: one member added to a group. */
export function addMemberPayload(userId: string): string {
  return JSON.stringify({ schemas: [SCIM_PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: userId }] }] });
}
