import { isoNow } from '../../domain/clock.js';
import { conflict } from '../../domain/errors.js';
import { encodeId, encodeProviderId } from '../../domain/ids.js';
import { forAccount } from '../../store/account-store.js';
import type { DefaultNamer, DeletedResources } from '../../store/repositories/mapping-references.js';
import type { RoleMappingRow } from '../../store/schema.js';
import { parseMappingRow } from '../identity-providers/mapping-input.js';
import type { Actor, ChangeSet, Trx } from '../mutation.js';
import type { ServiceDeps } from '../service-deps.js';

/** A rule with the entries naming deleted resources taken out, or `undefined` when it names none of them. */
interface PrunedRule { row: RoleMappingRow; removed: number; values: { org_role: string | null; space_roles: string; project_roles: string }; empty: boolean }

function pruneRule(row: RoleMappingRow, deleted: DeletedResources): PrunedRule | undefined {
  const rule = parseMappingRow(row);
  const gone = (ids: readonly number[]) => { const set = new Set(ids); return (id: number) => set.has(id); };
  const [org, space, project, role] = [gone(deleted.orgIds), gone(deleted.spaceIds), gone(deleted.projectIds), gone(deleted.roleIds)];
  const orgRole = rule.orgRole && (org(rule.orgRole.org_id) || role(rule.orgRole.role_id)) ? null : rule.orgRole;
  const spaceRoles = rule.spaceRoles.filter((s) => !space(s.space_id) && !role(s.role_id));
  const projectRoles = rule.projectRoles.filter((p) => !project(p.project_id) && !role(p.role_id));
  const removed = (rule.orgRole && !orgRole ? 1 : 0) + rule.spaceRoles.length - spaceRoles.length + rule.projectRoles.length - projectRoles.length;
  if (removed === 0) return undefined;
  return {
    row, removed,
    values: { org_role: orgRole ? JSON.stringify(orgRole) : null, space_roles: JSON.stringify(spaceRoles), project_roles: JSON.stringify(projectRoles) },
    empty: !orgRole && spaceRoles.length === 0 && projectRoles.length === 0 && !rule.isAccountAdmin,
  };
}

function providerId(idp: DefaultNamer): string {
  return encodeProviderId(idp.protocol, idp.id);
}

/** How many entries of live providers' role mappings name one of these (a role in use counts them). */
export async function mappingEntriesNaming(trx: Trx, accountId: number, deleted: DeletedResources): Promise<number> {
  const rules = await forAccount(trx, accountId).mappingReferences.liveRules();
  return rules.reduce((n, row) => n + (pruneRule(row, deleted)?.removed ?? 0), 0);
}

/** 409 naming the providers whose default login names what a delete takes away: their admins change it first. */
export async function refuseDeletingDefaults(trx: Trx, accountId: number, deleted: DeletedResources, what: string): Promise<void> {
  const namers = await forAccount(trx, accountId).mappingReferences.defaultsNaming(deleted);
  if (namers.length > 0) {
    const names = namers.map((idp) => `${JSON.stringify(idp.name)} (${providerId(idp)})`).join(', ');
    throw conflict(`${what} is the default login of identity provider ${names}; change its default login first`, 'in use as a default login');
  }
}

/**
 * Takes the entries naming deleted resources out of the role mappings, in the deleting transaction (identity.md §2.9):
 * a rule left with no grant goes and the provider's rules are numbered 1..n again; each provider touched gets an audit
 * row and a change-feed entry. Deleted providers' defaults stop naming them. The number of entries removed.
 */
export async function pruneMappings(
  ctx: ServiceDeps, trx: Trx, actor: Actor, changes: ChangeSet | undefined, deleted: DeletedResources, because: string,
): Promise<number> {
  const store = forAccount(trx, actor.principal.accountId);
  await store.mappingReferences.clearDefaultsOfDeletedProviders(deleted);
  const pruned = (await store.mappingReferences.liveRules()).map((row) => pruneRule(row, deleted)).filter((p) => p !== undefined);
  const now = isoNow(ctx.clock);
  for (const idpId of new Set(pruned.map((p) => p.row.idp_id))) {
    const ofIdp = pruned.filter((p) => p.row.idp_id === idpId);
    for (const p of ofIdp) {
      if (p.empty) await store.roleMappings.delete(idpId, p.row.id);
      else await store.roleMappings.update(idpId, p.row.id, p.values, now);
    }
    const left = await store.roleMappings.all(idpId);
    await store.roleMappings.renumber(idpId, left.map((r) => r.id), new Map(left.map((r) => [r.id, r.position])));
    const idp = (await store.mappingReferences.provider(idpId))!;
    await store.auditLogs.recordMutation({
      userId: actor.principal.userId, ip: actor.ip, operation: `UPDATE_ROLE_MAPPINGS ${providerId(idp)}`,
      text: JSON.stringify({
        because,
        changed: ofIdp.filter((p) => !p.empty).map((p) => encodeId('RoleMapping', p.row.id)),
        deleted: ofIdp.filter((p) => p.empty).map((p) => encodeId('RoleMapping', p.row.id)),
      }),
      at: now,
    });
    changes?.idp(idpId);
  }
  return pruned.reduce((n, p) => n + p.removed, 0);
}

/**
 * Before an organization, space or project is deleted: 409 when it (or a space inside it) is a provider's default
 * login, else the mapping entries naming it or anything inside it go with it.
 */
export async function releaseFromMappings(
  ctx: ServiceDeps, trx: Trx, actor: Actor, changes: ChangeSet | undefined, resource: { type: 'ORGANIZATION' | 'SPACE' | 'PROJECT'; id: number },
): Promise<void> {
  const deleted = await forAccount(trx, actor.principal.accountId).mappingReferences.under(resource);
  const noun = resource.type === 'ORGANIZATION' ? 'the organization (or one of its spaces)' : resource.type === 'SPACE' ? 'the space' : 'the project';
  await refuseDeletingDefaults(trx, actor.principal.accountId, deleted, noun);
  await pruneMappings(ctx, trx, actor, changes, deleted, actor.operation);
}
