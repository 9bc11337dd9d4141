import { conflict } from '../../domain/errors.js';
import { forAccount, type AccountStore } from '../../store/account-store.js';
import { isUniqueViolation } from '../../store/constraint-errors.js';
import type { Actor, ChangeSet, Trx } from '../mutation.js';
import type { ServiceDeps } from '../service-deps.js';
import { pruneMappings, refuseDeletingDefaults, releaseFromMappings } from '../sso/mapping-references.js';
import type { BindingTarget, Operation, Ref, Step } from './plan.js';

/** The `operation_name` of the audit row of each operation an apply makes (its text says which one). */
const AUDITED_AS = 'POST /v2/access/apply';

/**
 * Makes a plan's operations inside the transaction `trx`, in order, each with its own audit row naming it (the
 * transaction's own row, written by runMutation, says that a document was applied). Rows created by earlier
 * operations are found by the keys the plan gave them. A constraint the plan could not foresee (a row created
 * meanwhile by someone else) fails the operation, and the caller's transaction with it: nothing is applied.
 */
export async function applyPlan(ctx: ServiceDeps, trx: Trx, actor: Actor, changes: ChangeSet, operations: readonly Operation[], now: string): Promise<void> {
  const executor = new Executor(ctx, trx, actor, changes, now);
  for (const op of operations) {
    try {
      await executor.run(op.step);
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`${op.action} ${op.kind.toLowerCase()} ${op.target}: the name is already taken; plan again`, 'access changed meanwhile');
      throw error;
    }
    await executor.store.auditLogs.recordMutation({
      userId: actor.principal.userId, ip: actor.ip, operation: AUDITED_AS, at: now,
      text: JSON.stringify({ action: op.action, kind: op.kind, target: op.target, ...(op.user ? { user: op.user } : {}), ...(op.detail ? { detail: op.detail } : {}) }),
    });
  }
}

class Executor {
  readonly store: AccountStore;
  private readonly created = new Map<string, number>();

  constructor(
    private readonly ctx: ServiceDeps, private readonly trx: Trx, private readonly actor: Actor,
    private readonly changes: ChangeSet, private readonly now: string,
  ) {
    this.store = forAccount(trx, actor.principal.accountId);
  }

  async run(step: Step): Promise<void> {
    const { store, now } = this;
    switch (step.type) {
      case 'createRole':
        this.created.set(step.key, (await store.roles.createCustom({ name: step.name, description: step.description, permissions: JSON.stringify(step.permissions), now })).id);
        return;
      case 'updateRole':
        await this.holdersOf(step.id);
        await store.roles.update(step.id, {
          description: step.description, permissions: step.permissions === undefined ? undefined : JSON.stringify(step.permissions), now,
        });
        return;
      case 'deleteRole':
        return this.deleteRole(step.id, step.name);
      case 'createOrganization':
        this.created.set(step.key, (await store.organizations.create({ name: step.name, description: step.description, now })).id);
        return;
      case 'updateOrganization':
        await store.organizations.update(step.id, { description: step.description, now });
        return;
      case 'deleteOrganization':
        await releaseFromMappings(this.ctx, this.trx, this.actor, this.changes, { type: 'ORGANIZATION', id: step.id });
        await store.organizations.delete(step.id);
        return;
      case 'createSpace': {
        const row = await store.spaces.create({ organizationId: this.id(step.organization), name: step.name, description: step.description, isPrivate: step.isPrivate, now });
        this.created.set(step.key, row.id);
        return;
      }
      case 'updateSpace':
        await store.spaces.update(step.id, { description: step.description, isPrivate: step.isPrivate, now });
        return;
      case 'deleteSpace':
        await releaseFromMappings(this.ctx, this.trx, this.actor, this.changes, { type: 'SPACE', id: step.id });
        await store.spaces.delete(step.id);
        return;
      case 'createProject':
        this.created.set(step.key, (await store.projects.create({ spaceId: this.id(step.space), name: step.name, now })).id);
        return;
      case 'deleteProject':
        await releaseFromMappings(this.ctx, this.trx, this.actor, this.changes, { type: 'PROJECT', id: step.id });
        await store.projects.delete(step.id);
        return;
      case 'restrict':
        await store.resourceRestrictions.restrict(this.id(step.project), now);
        return;
      case 'unrestrict':
        await store.resourceRestrictions.lift(step.id);
        return;
      case 'upsertMember': {
        const grant = { userId: step.userId, roleId: this.id(step.role), now, expiresAt: step.expiresAt, reason: step.reason };
        if (step.on.type === 'ORGANIZATION') await store.organizations.upsertMember({ organizationId: this.id(step.on.ref), ...grant });
        else await store.spaces.upsertMember({ spaceId: this.id(step.on.ref), ...grant });
        this.changes.user(step.userId);
        return;
      }
      case 'removeMember':
        // No cascade: the document states every grant that stays, and the plan removes each one that goes.
        if (step.on.type === 'ORGANIZATION') await store.organizations.removeMember(step.on.id, step.userId);
        else await store.spaces.removeMember(step.on.id, step.userId);
        this.changes.user(step.userId);
        return;
      case 'createBinding':
        return this.createBinding(step.on, step);
      case 'changeBindingRole':
        await store.roleBindings.changeRole(step.id, this.id(step.role), now);
        this.changes.user(step.userId);
        return;
      case 'replaceBinding':
        await store.roleBindings.delete(step.id);
        return this.createBinding(step.on, step);
      case 'deleteBinding':
        await store.roleBindings.delete(step.id);
        this.changes.user(step.userId);
        return;
    }
  }

  private async createBinding(on: BindingTarget, grant: { userId: number; role: Ref; expiresAt: string | null; reason: string | null }): Promise<void> {
    const resource = { type: on.type, id: this.id(on.ref) };
    // A binding expired but not swept yet still holds the (user, resource) place: it goes first.
    const [stale] = await this.store.roleBindings.list({ resourceType: on.type, resourceIds: [resource.id], userId: grant.userId, limit: 1 });
    if (stale) await this.store.roleBindings.delete(stale.id);
    await this.store.roleBindings.create({ userId: grant.userId, roleId: this.id(grant.role), resource, now: this.now, expiresAt: grant.expiresAt, reason: grant.reason });
    this.changes.user(grant.userId);
  }

  /**
   * Deletes a custom role as `DELETE /v2/roles/{id}?force=true` does: what still uses it (bots' grants, grants
   * expired but not swept) goes with it, with each membership's cascade; identity providers' mappings naming it
   * are pruned, and one whose default login names it refuses the delete (409).
   */
  private async deleteRole(id: number, name: string): Promise<void> {
    const { store } = this;
    const named = { orgIds: [], spaceIds: [], projectIds: [], roleIds: [id] };
    await refuseDeletingDefaults(this.trx, this.actor.principal.accountId, named, `role ${JSON.stringify(name)}`);
    const uses = await this.holdersOf(id);
    for (const m of uses.organizationMemberships) await store.memberships.afterOrganizationMembership(m.user_id, m.organization_id);
    for (const m of uses.spaceMemberships) await store.memberships.afterSpaceMembership(m.user_id, m.space_id);
    await store.roles.removeUses(id);
    await pruneMappings(this.ctx, this.trx, this.actor, this.changes, named, AUDITED_AS);
    await store.roles.delete(id);
  }

  /** The role's uses, each holder marked as changed (their keys' cached rights go). */
  private async holdersOf(roleId: number) {
    const uses = await this.store.roles.usesOf(roleId);
    for (const u of [...uses.bindings, ...uses.organizationMemberships, ...uses.spaceMemberships]) this.changes.user(u.user_id);
    return uses;
  }

  /** An existing row's id, or the id of the row an earlier operation created under that key. */
  private id(ref: Ref): number {
    if (typeof ref === 'number') return ref;
    const id = this.created.get(ref);
    if (id === undefined) throw new Error(`no earlier operation created ${ref}`);
    return id;
  }
}
