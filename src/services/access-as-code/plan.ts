import type { Permission } from '../../domain/permissions.js';
import { PREDEFINED_ROLES } from '../../domain/predefined-roles.js';
import type { AccountState, GrantState, OrganizationState, SpaceState } from './account-state.js';
import { permissionList } from './account-state.js';
import type { AccessDocument, DocGrant, DocPath } from './document.js';
import { IssueList } from './document-error.js';

/** An id that exists, or the key of a row an earlier step of the same plan creates (`org:Platform`). */
export type Ref = number | string;
export type BindingTarget = { type: 'SPACE' | 'PROJECT'; ref: Ref };
export type MembershipTarget = { type: 'ORGANIZATION' | 'SPACE'; ref: Ref };
interface GrantValues { userId: number; role: Ref; expiresAt: string | null; reason: string | null }

/** What the executor does for one operation (apply-plan.ts). */
export type Step =
  | { type: 'createRole'; key: string; name: string; description: string | null; permissions: Permission[] }
  | { type: 'updateRole'; id: number; description?: string | null; permissions?: Permission[] }
  | { type: 'deleteRole'; id: number; name: string }
  | { type: 'createOrganization'; key: string; name: string; description: string }
  | { type: 'updateOrganization'; id: number; description: string }
  | { type: 'deleteOrganization'; id: number }
  | { type: 'createSpace'; key: string; organization: Ref; name: string; description: string; isPrivate: boolean }
  | { type: 'updateSpace'; id: number; description?: string; isPrivate?: boolean }
  | { type: 'deleteSpace'; id: number }
  | { type: 'createProject'; key: string; space: Ref; name: string }
  | { type: 'deleteProject'; id: number }
  | { type: 'restrict'; project: Ref }
  | { type: 'unrestrict'; id: number }
  | ({ type: 'upsertMember'; on: MembershipTarget } & GrantValues)
  | { type: 'removeMember'; on: { type: 'ORGANIZATION' | 'SPACE'; id: number }; userId: number }
  | ({ type: 'createBinding'; on: BindingTarget } & GrantValues)
  | { type: 'changeBindingRole'; id: number; userId: number; role: Ref }
  | ({ type: 'replaceBinding'; id: number; on: BindingTarget } & GrantValues)
  | { type: 'deleteBinding'; id: number; userId: number };

export type OperationKind = 'ROLE' | 'ORGANIZATION' | 'SPACE' | 'PROJECT' | 'ORGANIZATION_MEMBERSHIP' | 'SPACE_MEMBERSHIP' | 'ROLE_BINDING' | 'RESOURCE_RESTRICTION';

/** One change of a plan: what it is, said by name, and the step that makes it. */
export interface Operation {
  action: 'create' | 'update' | 'delete';
  kind: OperationKind;
  target: string;
  user?: string;
  detail?: string;
  step: Step;
}

export interface PlanOptions {
  /** Remove what the document does not list, and give left-out fields their defaults. */
  prune: boolean;
  /** The time, in ms: an `expires_at` must come after it. */
  now: number;
}

const PREDEFINED_NAMES = new Set(Object.values(PREDEFINED_ROLES).map((r) => r.name));

/**
 * The operations that make the account what the document says, in the order they are made: roles first, then each
 * organization (its members, then its spaces, each with its members, bindings and projects); with `prune` also the
 * removals of what the document does not list (custom roles last, after every grant has left them). A document
 * that names an unknown user or role, a bot, a name twice, or a space member outside the organization is refused
 * as a whole (AccessDocumentInvalid, every issue with its path). Without `prune`, a field left out keeps its value;
 * with it, the field's default.
 */
export function planDocument(doc: AccessDocument, state: AccountState, options: PlanOptions): Operation[] {
  return new Planner(state, options).plan(doc);
}

class Planner {
  private readonly issues = new IssueList();
  private readonly ops: Operation[] = [];
  private readonly roleDeletes: Operation[] = [];
  private readonly fileRoles = new Set<string>();

  constructor(private readonly state: AccountState, private readonly options: PlanOptions) {}

  plan(doc: AccessDocument): Operation[] {
    this.roles(doc);
    const seen = new Set<string>();
    (doc.organizations ?? []).forEach((o, i) => {
      const path = ['organizations', i];
      if (!this.unique(seen, o.name, [...path, 'name'], 'organization')) return;
      this.organization(o, path);
    });
    if (this.options.prune) {
      for (const org of this.state.organizations.values()) {
        if (!seen.has(org.name)) this.ops.push({ action: 'delete', kind: 'ORGANIZATION', target: org.name, step: { type: 'deleteOrganization', id: org.id } });
      }
    }
    this.issues.throwIfAny();
    return [...this.ops, ...this.roleDeletes];
  }

  private roles(doc: AccessDocument): void {
    (doc.roles ?? []).forEach((r, i) => {
      const path = ['roles', i];
      if (PREDEFINED_NAMES.has(r.name)) {
        this.issues.add([...path, 'name'], `"${r.name}" is a predefined role; list custom roles only`);
        return;
      }
      if (!this.unique(this.fileRoles, r.name, [...path, 'name'], 'role')) return;
      const permissions = permissionList(r.permissions);
      const existing = this.state.roles.get(r.name);
      if (!existing) {
        const description = r.description || null;
        this.ops.push({ action: 'create', kind: 'ROLE', target: r.name, detail: `${permissions.length} permission(s)`, step: { type: 'createRole', key: roleKey(r.name), name: r.name, description, permissions } });
        return;
      }
      const step: Extract<Step, { type: 'updateRole' }> = { type: 'updateRole', id: existing.id };
      const details: string[] = [];
      const written = this.field(r.description, '');
      const description = written === undefined ? undefined : written || null;
      if (description !== undefined && description !== existing.description) {
        step.description = description;
        details.push('description');
      }
      const added = permissions.filter((p) => !existing.permissions.includes(p));
      const removed = existing.permissions.filter((p) => !permissions.includes(p));
      if (added.length + removed.length > 0) {
        step.permissions = permissions;
        details.push(`permissions ${[...added.map((p) => `+${p}`), ...removed.map((p) => `-${p}`)].join(' ')}`);
      }
      if (details.length > 0) this.ops.push({ action: 'update', kind: 'ROLE', target: r.name, detail: details.join('; '), step });
    });
    if (!this.options.prune) return;
    for (const role of this.state.roles.values()) {
      if (role.predefinedKey === null && !this.fileRoles.has(role.name)) {
        this.roleDeletes.push({ action: 'delete', kind: 'ROLE', target: role.name, step: { type: 'deleteRole', id: role.id, name: role.name } });
      }
    }
  }

  private organization(o: NonNullable<AccessDocument['organizations']>[number], path: DocPath): void {
    const existing = this.state.organizations.get(o.name);
    const ref: Ref = existing?.id ?? orgKey(o.name);
    if (!existing) {
      this.ops.push({ action: 'create', kind: 'ORGANIZATION', target: o.name, step: { type: 'createOrganization', key: orgKey(o.name), name: o.name, description: o.description ?? '' } });
    } else {
      const description = this.field(o.description, '');
      if (description !== undefined && description !== existing.description) {
        this.ops.push({ action: 'update', kind: 'ORGANIZATION', target: o.name, detail: 'description', step: { type: 'updateOrganization', id: existing.id, description } });
      }
    }
    const listed = this.grants(o.members, existing?.members, [...path, 'members'], {
      kind: 'ORGANIZATION_MEMBERSHIP', target: o.name, on: { type: 'ORGANIZATION', ref }, removeOn: existing && { type: 'ORGANIZATION', id: existing.id },
    });
    // Space members must be members of the organization once the plan is made.
    const members = new Set([...listed, ...(this.options.prune || !existing ? [] : existing.members.keys())]);
    const seen = new Set<string>();
    (o.spaces ?? []).forEach((s, k) => {
      const spacePath = [...path, 'spaces', k];
      if (!this.unique(seen, s.name, [...spacePath, 'name'], 'space in this organization')) return;
      this.space(s, spacePath, o.name, ref, existing, members);
    });
    if (this.options.prune && existing) {
      for (const space of existing.spaces.values()) {
        if (!seen.has(space.name)) this.ops.push({ action: 'delete', kind: 'SPACE', target: `${o.name}/${space.name}`, step: { type: 'deleteSpace', id: space.id } });
      }
    }
  }

  private space(
    s: NonNullable<NonNullable<AccessDocument['organizations']>[number]['spaces']>[number], path: DocPath, orgName: string, orgRef: Ref,
    org: OrganizationState | undefined, orgMembers: Set<number>,
  ): void {
    const existing = org?.spaces.get(s.name);
    const target = `${orgName}/${s.name}`;
    const ref: Ref = existing?.id ?? spaceKey(orgName, s.name);
    if (!existing) {
      this.ops.push({
        action: 'create', kind: 'SPACE', target, ...(s.private ? { detail: 'private' } : {}),
        step: { type: 'createSpace', key: spaceKey(orgName, s.name), organization: orgRef, name: s.name, description: s.description ?? '', isPrivate: s.private ?? false },
      });
    } else {
      this.spaceUpdate(s, existing, target);
    }
    const members = s.members ?? [];
    members.forEach((m, j) => {
      const user = this.state.usersByEmail.get(m.user.toLowerCase());
      if (user && !user.isBot && !orgMembers.has(user.id)) {
        this.issues.add([...path, 'members', j, 'user'], `"${m.user}" is not a member of organization "${orgName}"; list them in its members first`);
      }
    });
    this.grants(s.members, existing?.members, [...path, 'members'], {
      kind: 'SPACE_MEMBERSHIP', target, on: { type: 'SPACE', ref }, removeOn: existing && { type: 'SPACE', id: existing.id },
    });
    this.grants(s.role_bindings, existing?.bindings, [...path, 'role_bindings'], { kind: 'ROLE_BINDING', target, on: { type: 'SPACE', ref } });
    const seen = new Set<string>();
    (s.projects ?? []).forEach((p, k) => {
      const projectPath = [...path, 'projects', k];
      if (!this.unique(seen, p.name, [...projectPath, 'name'], 'project in this space')) return;
      const project = existing?.projects.get(p.name);
      const projectTarget = `${target}/${p.name}`;
      const projectRef: Ref = project?.id ?? projectKey(orgName, s.name, p.name);
      if (!project) this.ops.push({ action: 'create', kind: 'PROJECT', target: projectTarget, step: { type: 'createProject', key: projectKey(orgName, s.name, p.name), space: ref, name: p.name } });
      const restricted = this.field(p.restricted, false);
      if (restricted === true && !project?.restricted) {
        this.ops.push({ action: 'create', kind: 'RESOURCE_RESTRICTION', target: projectTarget, step: { type: 'restrict', project: projectRef } });
      } else if (restricted === false && project?.restricted) {
        this.ops.push({ action: 'delete', kind: 'RESOURCE_RESTRICTION', target: projectTarget, step: { type: 'unrestrict', id: project.id } });
      }
      this.grants(p.role_bindings, project?.bindings, [...projectPath, 'role_bindings'], { kind: 'ROLE_BINDING', target: projectTarget, on: { type: 'PROJECT', ref: projectRef } });
    });
    if (this.options.prune && existing) {
      for (const project of existing.projects.values()) {
        if (!seen.has(project.name)) this.ops.push({ action: 'delete', kind: 'PROJECT', target: `${target}/${project.name}`, step: { type: 'deleteProject', id: project.id } });
      }
    }
  }

  private spaceUpdate(s: { description?: string | undefined; private?: boolean | undefined }, existing: SpaceState, target: string): void {
    const step: Extract<Step, { type: 'updateSpace' }> = { type: 'updateSpace', id: existing.id };
    const details: string[] = [];
    const description = this.field(s.description, '');
    if (description !== undefined && description !== existing.description) {
      step.description = description;
      details.push('description');
    }
    const isPrivate = this.field(s.private, false);
    if (isPrivate !== undefined && isPrivate !== existing.isPrivate) {
      step.isPrivate = isPrivate;
      details.push(isPrivate ? 'private' : 'not private');
    }
    if (details.length > 0) this.ops.push({ action: 'update', kind: 'SPACE', target, detail: details.join('; '), step });
  }

  /**
   * The operations of one list of grants (members or bindings) against what the resource has; answers the users
   * the document lists there.
   */
  private grants(
    list: DocGrant[] | undefined, current: Map<number, GrantState> | undefined, path: DocPath,
    where: {
      kind: 'ORGANIZATION_MEMBERSHIP' | 'SPACE_MEMBERSHIP' | 'ROLE_BINDING'; target: string;
      on: MembershipTarget | BindingTarget; removeOn?: { type: 'ORGANIZATION' | 'SPACE'; id: number } | undefined;
    },
  ): Set<number> {
    const listed = new Set<number>();
    const isBinding = where.kind === 'ROLE_BINDING';
    (list ?? []).forEach((g, j) => {
      const grantPath = [...path, j];
      const user = this.user(g.user, [...grantPath, 'user']);
      const role = this.role(g.role, [...grantPath, 'role']);
      const expiresAt = this.expiry(g.expires_at, [...grantPath, 'expires_at']);
      if (user === undefined) return;
      if (listed.has(user.id)) {
        this.issues.add([...grantPath, 'user'], `"${g.user}" is listed twice here`);
        return;
      }
      listed.add(user.id);
      if (role === undefined || expiresAt === null) return;
      const cur = current?.get(user.id);
      const values: GrantValues = {
        userId: user.id, role,
        expiresAt: expiresAt ?? (this.options.prune || !cur ? null : cur.expiresAt),
        reason: g.reason ?? (this.options.prune || !cur ? null : cur.reason),
      };
      const base = { kind: where.kind, target: where.target, user: user.email };
      const roleDetail = `role ${g.role}${values.expiresAt === null ? '' : ` until ${values.expiresAt}`}`;
      if (!cur) {
        const step: Step = isBinding
          ? { type: 'createBinding', on: where.on as BindingTarget, ...values }
          : { type: 'upsertMember', on: where.on as MembershipTarget, ...values };
        this.ops.push({ action: 'create', ...base, detail: roleDetail, step });
        return;
      }
      const details: string[] = [];
      const roleChanged = role !== cur.roleId;
      if (roleChanged) details.push(`role ${this.state.rolesById.get(cur.roleId)!.name} → ${g.role}`);
      const endChanged = values.expiresAt !== cur.expiresAt;
      if (endChanged) details.push(`expires_at ${cur.expiresAt ?? 'never'} → ${values.expiresAt ?? 'never'}`);
      const reasonChanged = values.reason !== cur.reason;
      if (reasonChanged) details.push('reason');
      if (details.length === 0) return;
      let step: Step;
      if (!isBinding) step = { type: 'upsertMember', on: where.on as MembershipTarget, ...values };
      else if (!endChanged && !reasonChanged) step = { type: 'changeBindingRole', id: cur.id!, userId: user.id, role };
      else step = { type: 'replaceBinding', id: cur.id!, on: where.on as BindingTarget, ...values };
      this.ops.push({ action: 'update', ...base, detail: details.join('; '), step });
    });
    if (this.options.prune && current) {
      for (const cur of current.values()) {
        if (listed.has(cur.userId)) continue;
        const step: Step = isBinding ? { type: 'deleteBinding', id: cur.id!, userId: cur.userId } : { type: 'removeMember', on: where.removeOn!, userId: cur.userId };
        this.ops.push({
          action: 'delete', kind: where.kind, target: where.target, user: this.state.usersById.get(cur.userId)!.email,
          detail: `role ${this.state.rolesById.get(cur.roleId)!.name}`, step,
        });
      }
    }
    return listed;
  }

  /** A field's value to set: as written; left out, the default with prune and "keep" (undefined) without. */
  private field<T>(value: T | undefined, fallback: T): T | undefined {
    return value !== undefined ? value : this.options.prune ? fallback : undefined;
  }

  private user(email: string, path: DocPath) {
    const user = this.state.usersByEmail.get(email.toLowerCase());
    if (!user) this.issues.add(path, `unknown user "${email}" (users are invited, not created, by a document)`);
    else if (user.isBot) this.issues.add(path, `"${email}" is a service key's bot: its grants come with its key and are not managed here`);
    else return user;
    return undefined;
  }

  private role(name: string, path: DocPath): Ref | undefined {
    const existing = this.state.roles.get(name);
    if (existing?.predefinedKey) return existing.id;
    if (this.fileRoles.has(name)) return existing?.id ?? roleKey(name);
    if (existing && !this.options.prune) return existing.id;
    this.issues.add(path, existing ? `role "${name}" is not in the document's roles, so prune deletes it` : `unknown role "${name}"`);
    return undefined;
  }

  /** The instant as stored (ISO), undefined when left out, null when it is not in the future. */
  private expiry(value: string | undefined, path: DocPath): string | null | undefined {
    if (value === undefined) return undefined;
    const at = Date.parse(value);
    if (at > this.options.now) return new Date(at).toISOString();
    this.issues.add(path, 'must be in the future');
    return null;
  }

  private unique(seen: Set<string>, name: string, path: DocPath, what: string): boolean {
    if (seen.has(name)) {
      this.issues.add(path, `another ${what} is named "${name}"`);
      return false;
    }
    seen.add(name);
    return true;
  }
}

const roleKey = (name: string) => JSON.stringify(['role', name]);
const orgKey = (name: string) => JSON.stringify(['org', name]);
const spaceKey = (org: string, name: string) => JSON.stringify(['space', org, name]);
const projectKey = (org: string, space: string, name: string) => JSON.stringify(['project', org, space, name]);
