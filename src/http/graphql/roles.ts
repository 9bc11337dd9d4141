import { listRoles } from '../../services/roles.js';
import type { RoleRow } from '../../store/schema.js';
import type { GraphqlContext } from './context.js';
import { gqlRole } from './presenters.js';
import { traceServices } from '../tracing/service-tracing.js';

const rolesService = traceServices('roles', { listRoles });


/** The account's roles by row number, read through listRoles once per request (a page of 100 at a time). */
export function rolesOf(context: GraphqlContext): Promise<Map<number, RoleRow>> {
  context.roles ??= (async () => {
    const roles = new Map<number, RoleRow>();
    let cursor: string | undefined;
    do {
      const page = await rolesService.listRoles(context.deps, context.principal, { limit: 100, cursor });
      for (const role of page.items) roles.set(role.id, role);
      cursor = page.pagination.next_cursor;
    } while (cursor !== undefined);
    return roles;
  })();
  return context.roles;
}

/** The `customRole` field of a membership or grant: the custom role it holds, or null. */
export async function customRole(parent: { customRoleN: number | null }, _args: unknown, context: GraphqlContext) {
  if (parent.customRoleN === null) return null;
  const row = (await rolesOf(context)).get(parent.customRoleN);
  return row ? gqlRole(row) : null;
}
