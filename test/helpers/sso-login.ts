import type { TestServer } from './server.js';

/** The id of a predefined role by its display name (`Member`, `Read Only`, …). */
export async function predefinedRoleId(server: TestServer, name: string): Promise<string> {
  const res = await server.api('GET', '/v2/roles?is_predefined=true&limit=100');
  return (res.body.roles as { id: string; name: string }[]).find((r) => r.name === name)!.id;
}

/** Row counts of every table a login may write: none of them may change when a login is refused. */
export async function loginRowCounts(server: TestServer): Promise<Record<string, number>> {
  const db = server.context!.store.db;
  const counts: Record<string, number> = {};
  for (const table of ['users', 'user_identities', 'organization_memberships', 'space_memberships', 'role_bindings', 'sessions'] as const) {
    const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}
