import type { Kysely } from 'kysely';
import { AccessSnapshot } from '../access/index.js';
import { type Clock, systemClock } from '../domain/clock.js';
import { loadAccessState } from './access-loader.js';
import { telemetry } from '../domain/telemetry.js';
import type { AccessChange } from '../store/change-feed.js';
import type { Database } from '../store/schema.js';

/**
 * One access snapshot per account, built from the database on first use and dropped when the change feed says
 * the account changed (any mutation in any process). Concurrent requests share one load.
 */
export class AccessCache {
  readonly #snapshots = new Map<number, Promise<AccessSnapshot>>();
  readonly #generation = new Map<number, number>();
  readonly #loaded = new Map<number, { promise: Promise<AccessSnapshot>; snapshot: AccessSnapshot }>();
  /**
   * The account's access version each snapshot holds every rights change up to: the one it was read at, raised by
   * the patches of changes that took rights away (those of granting changes keep it: they take nothing away).
   */
  readonly #versions = new WeakMap<AccessSnapshot, number>();

  /**
   * `clock`: expired grants stop counting at its time (see get). `bulkRead`: runs each load (Store.bulkRead: the read
   * of a whole account must not fill the database's page cache).
   */
  constructor(
    private readonly db: Kysely<Database>, private readonly clock: Clock = systemClock,
    private readonly bulkRead: <T>(read: () => Promise<T>) => Promise<T> = (read) => read(),
  ) {}

  /**
   * The account's snapshot. A grant whose expiry has passed is dropped from a loaded snapshot here, at the first
   * request from that instant on, in every process (each checks its own clock; the sweeper deletes the row later).
   */
  get(accountId: number): Promise<AccessSnapshot> {
    let snapshot = this.#snapshots.get(accountId);
    const loaded = this.#loaded.get(accountId);
    if (loaded !== undefined && loaded.promise === snapshot) this.#expire(loaded.snapshot);
    if (!snapshot) {
      const generation = this.#generation.get(accountId) ?? 0;
      const started = performance.now();
      snapshot = this.bulkRead(() => loadAccessState(this.db, accountId)).then(({ world, accessVersion }) => {
        const built = AccessSnapshot.build(world);
        built.expire(this.clock.now());
        this.#versions.set(built, accessVersion);
        if (telemetry.snapshotBuild.hasSubscribers) telemetry.snapshotBuild.publish({ durationMs: performance.now() - started });
        return built;
      });
      snapshot.catch(() => this.#snapshots.delete(accountId));
      // A change that lands while we load makes this load stale: keep it only if no invalidation happened.
      const promise = snapshot;
      promise.then((loaded) => {
        if ((this.#generation.get(accountId) ?? 0) !== generation) {
          if (this.#snapshots.get(accountId) === promise) this.#snapshots.delete(accountId);
        } else {
          this.#loaded.set(accountId, { promise, snapshot: loaded });
        }
      }, () => undefined);
      this.#snapshots.set(accountId, snapshot);
    }
    return snapshot;
  }

  /**
   * get()'s snapshot without a promise, when it is loaded and current (every request once the account's is warm);
   * undefined while it loads or after a change dropped it: get() is then the call to make.
   */
  current(accountId: number): AccessSnapshot | undefined {
    const loaded = this.#loaded.get(accountId);
    if (loaded === undefined || loaded.promise !== this.#snapshots.get(accountId)) return undefined;
    this.#expire(loaded.snapshot);
    return loaded.snapshot;
  }

  /** Drops the grants whose expiry has passed, when one has. */
  #expire(snapshot: AccessSnapshot): void {
    if (snapshot.nextExpiry <= this.clock.now()) snapshot.expire(this.clock.now());
  }

  /**
   * Patches a loaded snapshot in place with the edits a mutation declared (microseconds, where a rebuild took 0.26 s
   * on a 10k-user account and 3.2 s on a 100k-user one); a snapshot that is still loading may or may not contain the
   * change, so it is dropped instead. `version`: the access version
   * the change raised the account to, if it took rights away (see Change.accessVersion): the snapshot moves to it
   * when it was one change behind, ignores the edits when it already holds them, and is dropped when it missed
   * another rights change.
   */
  apply(accountId: number, edits: readonly AccessChange[], version?: number): void {
    const loaded = this.#loaded.get(accountId);
    if (!loaded || this.#snapshots.get(accountId) !== loaded.promise) {
      this.invalidate(accountId);
      return;
    }
    if (version !== undefined) {
      const at = this.versionOf(loaded.snapshot);
      if (version <= at) return;
      if (version !== at + 1) {
        this.invalidate(accountId);
        return;
      }
      this.#versions.set(loaded.snapshot, version);
    }
    try {
      for (const edit of edits) applyEdit(loaded.snapshot, edit);
    } catch {
      // An edit the snapshot cannot take (a grant to a user it does not hold, a space of an organization it does not
      // hold): it is dropped and rebuilt.
      this.invalidate(accountId);
    }
  }

  /** The access version the snapshot was built at (see MutationOptions in mutation.ts). */
  versionOf(snapshot: AccessSnapshot): number {
    return this.#versions.get(snapshot) ?? -1;
  }

  /** A snapshot built at `version` or later: the cached one, else a fresh load (which reads a version at least as new). */
  async atLeast(accountId: number, version: number): Promise<AccessSnapshot> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const snapshot = await this.get(accountId);
      if (this.versionOf(snapshot) >= version) return snapshot;
      this.invalidate(accountId);
    }
    return this.get(accountId);
  }

  invalidate(accountId: number): void {
    this.#generation.set(accountId, (this.#generation.get(accountId) ?? 0) + 1);
    this.#snapshots.delete(accountId);
  }

  invalidateAll(): void {
    for (const id of this.#snapshots.keys()) this.invalidate(id);
  }
}

/**
 * One declared edit, made on the snapshot as the mutation made it in the database. A grant to a user the snapshot
 * does not hold throws (the snapshot would drop it silently): the snapshot predates the user, and is rebuilt.
 */
function applyEdit(snapshot: AccessSnapshot, edit: AccessChange): void {
  switch (edit.op) {
    case 'upsertBinding': return snapshot.upsertBinding(heldUser(snapshot, edit.binding));
    case 'removeBinding': return snapshot.removeBinding(edit.id);
    case 'upsertOrganizationMembership': return snapshot.upsertOrganizationMembership(heldUser(snapshot, edit.membership));
    case 'removeOrganizationMembership': return snapshot.removeOrganizationMembership(edit.userId, edit.organizationId);
    case 'removeOrganizationMembershipRow': return snapshot.removeOrganizationMembershipRow(edit.userId, edit.organizationId);
    case 'upsertSpaceMembership': return snapshot.upsertSpaceMembership(heldUser(snapshot, edit.membership));
    case 'removeSpaceMembership': return snapshot.removeSpaceMembership(edit.userId, edit.spaceId);
    case 'setRestricted': return snapshot.setRestricted(edit.projectId, edit.restricted);
    case 'upsertOrganization': return snapshot.upsertOrganization(edit.organization);
    case 'upsertSpace': return snapshot.upsertSpace(edit.space);
    case 'insertProject': return snapshot.upsertProject({ ...edit.project, restricted: false });
    case 'removeOrganization': return snapshot.removeOrganization(edit.id);
    case 'removeSpace': return snapshot.removeSpace(edit.id);
    case 'removeProject': return snapshot.removeProject(edit.id);
    case 'upsertUser': return snapshot.upsertUser(edit.user);
    case 'removeUser': return snapshot.removeUser(edit.id);
    case 'renameProject': return renameProject(snapshot, edit.id, edit.name);
    case 'upsertRole': return snapshot.upsertRole({ ...edit.role, predefinedKey: null });
    case 'removeRole': return snapshot.removeRole(edit.id);
    // An edit this version does not know (another process runs a newer one, mid-upgrade): dropped and rebuilt.
    default: throw new Error(`unknown access edit ${JSON.stringify((edit as { op: unknown }).op)}`);
  }
}

function renameProject(snapshot: AccessSnapshot, projectId: number, name: string): void {
  const spaceId = snapshot.spaceOf(projectId);
  if (spaceId === undefined) throw new Error(`project ${projectId} is not in the snapshot`);
  snapshot.upsertProject({ id: projectId, spaceId, name, restricted: snapshot.isRestricted(projectId) });
}

function heldUser<T extends { userId: number }>(snapshot: AccessSnapshot, grant: T): T {
  if (!snapshot.hasUser(grant.userId)) throw new Error(`user ${grant.userId} is not in the snapshot`);
  return grant;
}
