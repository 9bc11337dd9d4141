import type { Kysely } from 'kysely';
import type { Permission } from '../domain/permissions.js';
import type { AccountRoleKey, Database } from './schema.js';

/**
 * What changed, so that every process drops what it cached: access snapshots (per account), verified keys
 * (per key or per user). A mutation announces it to the other processes from inside its transaction and delivers
 * it to its own process after the commit.
 */
export interface Change {
  accountId: number;
  /** Users whose keys/sessions must be re-verified (deleted, deactivated, role changed). */
  userIds?: number[];
  /** API keys (public ids) revoked, refreshed or otherwise changed. */
  keyPublicIds?: string[];
  /** Identity providers whose configuration or role mappings changed: every process drops what it cached of them. */
  idpIds?: number[];
  /**
   * The exact edits to the account's access snapshot, when the mutation declared them; absent means "rebuild".
   * The process that made the change applies them; the others only when `accessVersion` is set (see there), since
   * notifications from several processes may arrive in another order than their commits.
   */
  access?: AccessChange[];
  /**
   * The account's access version the change's transaction raised it to, when it took rights away (runMutation
   * bumps by one under the account row's lock). A snapshot read at the version just below it is exactly one
   * change behind: it applies `access` and is then at this version, so that the next grant decided on it is not
   * stale. A snapshot at this version or later already holds the change; one further behind missed another
   * rights change and is rebuilt.
   */
  accessVersion?: number;
}

export type AccessChange =
  | { op: 'upsertBinding'; binding: { id: number; userId: number; roleId: number; resourceType: 'SPACE' | 'PROJECT'; resourceId: number; expiresAt?: string | null } }
  | { op: 'removeBinding'; id: number }
  | { op: 'upsertOrganizationMembership'; membership: { userId: number; organizationId: number; roleId: number; expiresAt?: string | null } }
  /** With the user's memberships in the organization's spaces and bindings on them and their projects, as the removal endpoint. */
  | { op: 'removeOrganizationMembership'; userId: number; organizationId: number }
  /** The membership row alone, as an identity provider's sync deletes it: the user's spaces of the organization stay. */
  | { op: 'removeOrganizationMembershipRow'; userId: number; organizationId: number }
  | { op: 'upsertSpaceMembership'; membership: { userId: number; spaceId: number; roleId: number; expiresAt?: string | null } }
  /** The membership alone: the bindings the removal took with it travel as removeBinding edits. */
  | { op: 'removeSpaceMembership'; userId: number; spaceId: number }
  | { op: 'setRestricted'; projectId: number; restricted: boolean }
  /** A new organization, or a renamed one. */
  | { op: 'upsertOrganization'; organization: { id: number; name: string } }
  /** A new space, or a changed one (name, privacy). */
  | { op: 'upsertSpace'; space: { id: number; organizationId: number; isPrivate: boolean; name: string } }
  /** A new project: unrestricted. */
  | { op: 'insertProject'; project: { id: number; spaceId: number; name: string } }
  /** A custom role created, or renamed or given other permissions (everyone holding it is re-evaluated). */
  | { op: 'upsertRole'; role: { id: number; name: string; permissions: Permission[] } }
  /** A custom role no membership or binding uses any more, deleted. */
  | { op: 'removeRole'; id: number }
  /** A project renamed (explanations name it). */
  | { op: 'renameProject'; id: number; name: string }
  /** Deleted, with everything beneath and every membership and binding on them, as the database's cascades take them. */
  | { op: 'removeOrganization'; id: number }
  | { op: 'removeSpace'; id: number }
  | { op: 'removeProject'; id: number }
  /** A new user, or a changed account role or standing (active: ACTIVE and not deactivated, as mayAuthenticate). */
  | { op: 'upsertUser'; user: { id: number; role: AccountRoleKey; active: boolean; isBot: boolean } }
  /** A person deleted: with every membership and binding of theirs, as the deletion removes them. */
  | { op: 'removeUser'; id: number };

/** The upsertUser edit of a person (never a bot): a new one, or its account role or standing changed. */
export function personEdit(person: { id: number; role: AccountRoleKey }, active: boolean): AccessChange {
  return { op: 'upsertUser', user: { id: person.id, role: person.role, active, isBot: false } };
}

export interface ChangeFeed {
  /** Announces and delivers at once: for changes made outside a transaction. */
  publish(change: Change): Promise<void>;
  /**
   * Announces the change to the other processes from inside the writing transaction: PostgreSQL delivers a NOTIFY
   * at commit and drops it on rollback, so a process that dies between its commit and a later publish cannot lose
   * a revocation. (SQLite is one process: nothing to announce.)
   */
  announceWithin(trx: Kysely<Database>, change: Change): Promise<void>;
  /** Delivers the change to this process's listeners: after the commit of a change announced within it. */
  deliverHere(change: Change): void;
  subscribe(listener: (change: Change) => void): void;
  close(): Promise<void>;
}
