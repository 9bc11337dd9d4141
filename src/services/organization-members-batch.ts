import { ApiError } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { forAccount } from '../store/account-store.js';
import { requireVisible } from './authorize.js';
import { type Page, toPage } from './pagination.js';
import type { ServiceDeps } from './service-deps.js';

/** Organizations per statement (bound parameters stay far below the drivers' limits). */
const ORGANIZATIONS_PER_READ = 1000;

type MemberRow = Awaited<ReturnType<ReturnType<typeof forAccount>['organizations']['listMembers']>>[number];

/**
 * The first page of members of each of these organizations (by row number), as listOrganizationMembers answers
 * each: one statement per 1,000 organizations instead of one per organization (GraphQL's
 * `AccountOrganization.accountOrganizationUsers` on a page of organizations). An organization the principal may not
 * see answers listOrganizationMembers's error in its place.
 */
export async function listMembersOfOrganizations(
  ctx: ServiceDeps, principal: Principal, organizationIds: readonly number[], query: { limit: number },
): Promise<Map<number, Page<MemberRow> | ApiError>> {
  const scope = 'organization-members';
  const snapshot = await ctx.access.get(principal.accountId);
  const answers = new Map<number, ApiError | MemberRow[]>();
  for (const id of new Set(organizationIds)) {
    try {
      requireVisible(snapshot, principal, { type: 'ORGANIZATION', id });
      answers.set(id, []);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      answers.set(id, error);
    }
  }
  const visible = [...answers].filter(([, answer]) => Array.isArray(answer)).map(([id]) => id);
  const organizations = forAccount(ctx.store.db, principal.accountId).organizations;
  for (let i = 0; i < visible.length; i += ORGANIZATIONS_PER_READ) {
    for (const member of await organizations.firstMembersOfEachOrganization(visible.slice(i, i + ORGANIZATIONS_PER_READ), query.limit + 1)) {
      (answers.get(member.organization_id) as MemberRow[]).push(member);
    }
  }
  return new Map([...answers].map(([id, answer]) => [id, answer instanceof ApiError ? answer
    : toPage(ctx.secrets.cursorKey, scope, answer, query.limit, (r) => r.id, (r) => r)]));
}
