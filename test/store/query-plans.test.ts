import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { forAccount } from '../../src/store/account-store.js';
import { openStore } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrator.js';
import { AccessReviewRepository } from '../../src/store/repositories/access-reviews.js';
import { AccessScopeRows } from '../../src/store/repositories/access-scope.js';
import { accountsWithAuditBefore } from '../../src/store/repositories/audit-logs.js';
import type { Database } from '../../src/store/schema.js';
import { findSignInCandidates } from '../../src/store/sign-in-candidates.js';
import { testBackend } from '../helpers/database.js';

/**
 * Issue 13: a read or a cascade of some users', resources' or a role's rows searches them, not every row of the
 * account. SQLite's planner has no statistics: beside `account_id = ?` it took the account's index over a narrower
 * one (unindexed-column.ts keeps the term off it), and the role bindings had no index by user or by resource that a
 * query of all of a user's or a resource's bindings could use (migrations 015 and 016). On an account of 100k users
 * and 1M bindings: a dry run's read of three users 649 → 0.74 ms, a user's bindings at each single sign-on or SCIM
 * sync 189 → 0.39 ms, deleting a space of 10 projects 525 → 36 ms, 50 users of a GraphQL page 5.9 → 0.05 ms. The
 * plans do not depend on the rows, so an empty database shows them.
 */
describe.skipIf(testBackend !== 'sqlite')('the query plans of narrow reads and cascades, on SQLite', () => {
  let dataDir: string;
  let connection: SQLite.Database;
  let db: Kysely<Database>;
  const sent: { sql: string; parameters: readonly unknown[] }[] = [];
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ax-query-plans-'));
    const store = openStore({ dataDir });
    await migrateToLatest(store.db);
    await store.close();
    connection = new SQLite(join(dataDir, 'ax.db'));
    db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: connection }),
      log: (event) => {
        if (event.level === 'query') sent.push({ sql: event.query.sql, parameters: event.query.parameters });
      },
    });
  });
  beforeEach(() => {
    sent.length = 0;
  });
  afterAll(async () => {
    await db?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Each statement sent so far (its start, to name it in a failure), with the lines of its plan. */
  const plans = (of: (sql: string) => boolean = () => true) => sent.filter(({ sql }) => of(sql)).map(({ sql, parameters }) => ({
    sql: sql.slice(0, 70),
    plan: (connection.prepare(`explain query plan ${sql}`).all(...parameters) as { detail: string }[]).map((r) => r.detail),
  }));

  it('a dry run confined to some users reads their rows through indexes by user', async () => {
    const scope = new AccessScopeRows(db, 1);
    await scope.read([2, 3, 4], [5, 6]);
    await scope.liveServiceKeys([2, 3, 4], new Date().toISOString());
    expect(sent).toHaveLength(6);
    for (const { sql, plan } of plans()) {
      const joined = plan.join(' | ');
      expect({ sql, plan: joined }).toEqual({ sql, plan: expect.stringMatching(/USING (INTEGER PRIMARY KEY|INDEX \w+_(user|principal)\w*) \((user_id|rowid)=\?/) });
      expect({ sql, plan: joined }).toEqual({ sql, plan: expect.not.stringMatching(/SCAN|\(account_id=\?\)/) });
    }
  });

  it('a user\'s role bindings are searched by user: synced grants, membership cascades, holders of a SCIM push, the list by user', async () => {
    const account = forAccount(db, 1);
    await account.syncedGrants.heldBy(2);
    await account.syncedGrants.holdersAmong({ source: 'SCIM', idpId: 1 }, [2, 3, 4]);
    await account.memberships.afterSpaceMembership(2, 5);
    await account.memberships.afterOrganizationMembership(2, 1);
    await account.memberships.removeAllOf(2);
    await account.roleBindings.list({ resourceType: 'SPACE', userId: 2, limit: 10 });
    await account.roleBindings.list({ resourceType: 'PROJECT', userId: 2, limit: 10 });
    const ofBindings = plans((sql) => sql.includes('"role_bindings"'));
    expect(ofBindings.length).toBeGreaterThanOrEqual(7);
    for (const { sql, plan } of ofBindings) {
      const lines = plan.filter((line) => /\brole_bindings\b/.test(line));
      expect({ sql, lines }).toEqual({ sql, lines: [expect.stringMatching(/^SEARCH role_bindings USING (COVERING )?INDEX role_bindings_user\w* \(user_id=\?/)] });
    }
  });

  // From four ids on, SQLite read every user of the account through the account's index rather than each by id.
  it('users listed by id are read by id: GraphQL\'s users of a page, who has access, invitation lapses, a review\'s deciders, a dry run\'s users, a SCIM push\'s promoted users', async () => {
    const ids = [2, 3, 4, 5, 6, 7, 8, 9];
    const now = new Date().toISOString();
    const account = forAccount(db, 1);
    await account.users.findListedMany(ids, now);
    await account.users.findActing(ids, now);
    await account.users.firstInvitationLapse(ids, now);
    await new AccessReviewRepository(db, 1).userEmails(ids);
    await new AccessScopeRows(db, 1).read(ids, []);
    await account.syncedGrants.holdersAmong({ source: 'SCIM', idpId: 1 }, ids);
    const ofUsers = plans().filter(({ plan }) => plan.some((line) => /^SEARCH users\b|^SCAN users\b/.test(line)));
    expect(ofUsers).toHaveLength(6);
    for (const { sql, plan } of ofUsers) {
      const lines = plan.filter((line) => /^(SEARCH|SCAN) users\b/.test(line));
      // A SCIM push's promoted users may be searched through the index of promoted users by id (migration 024).
      expect({ sql, lines }).toEqual({ sql, lines: [expect.stringMatching(/^SEARCH users USING (INTEGER PRIMARY KEY|INDEX users_role_source \(role_source=\? AND) \(?rowid=\?\)/)] });
    }
  });

  // On SQLite the account's index of bindings carries every column the snapshot's load reads (migration 017): covering
  // as it is, the planner took it for a role's bindings too unless `account_id` is kept off it.
  // Memberships by role: migration 020 (a role's uses on an account of 100k users 11.7 → 0.03 ms).
  it('a role\'s role bindings and memberships are searched by role: its uses, and their removal with the role', async () => {
    const roles = forAccount(db, 1).roles;
    await roles.usesOf(9);
    await roles.removeUses(9);
    for (const table of ['role_bindings', 'organization_memberships', 'space_memberships']) {
      const ofTable = plans((sql) => sql.includes(`"${table}"`));
      expect(ofTable).toHaveLength(2);
      for (const { sql, plan } of ofTable) {
        const lines = plan.filter((line) => new RegExp(`\\b${table}\\b`).test(line));
        expect({ sql, lines }).toEqual({ sql, lines: [expect.stringMatching(new RegExp(`^SEARCH ${table} USING (COVERING )?INDEX ${table}_role \\(role_id=\\?`))] });
      }
    }
  });

  // Deleting a project or a space deletes its bindings (`on delete cascade`): SQLite looks them up by the column,
  // which no index led with (525 ms to delete a space of 10 projects on that account, 36 ms with one).
  it('a resource\'s role bindings are searched by resource: the cascades of deleting a project or a space, the list by resource', async () => {
    const account = forAccount(db, 1);
    await account.projects.delete(5);
    await account.spaces.delete(3);
    await account.roleBindings.list({ resourceType: 'SPACE', resourceIds: [3, 4], limit: 10 });
    await account.roleBindings.list({ resourceType: 'PROJECT', resourceIds: [5], limit: 10 });
    const ofBindings = plans().filter(({ plan }) => plan.some((line) => /\brole_bindings\b/.test(line)));
    expect(ofBindings).toHaveLength(4);
    for (const { sql, plan } of ofBindings) {
      const lines = plan.filter((line) => /\brole_bindings\b/.test(line));
      expect({ sql, lines }).toEqual({ sql, lines: [expect.stringMatching(/^SEARCH role_bindings USING (COVERING )?INDEX role_bindings_(space|project)_user \((space|project)_id=\?/)] });
    }
  });

  // A console sign-in knows the email, not the account; an invitation asks whether the account deleted a user with
  // the email. The one index by email led with the account and held live users only: at 100k users the sign-in read
  // every user of the server (4.7 ms) and the invitation every human of the account (16.7 ms).
  it('a sign-in\'s users and an invitation\'s deleted user are found by email (migration 021)', async () => {
    await findSignInCandidates(db, 'ada@example.com');
    await forAccount(db, 1).users.wasDeleted('ada@example.com');
    const read = plans();
    expect(read).toHaveLength(2);
    for (const { sql, plan } of read) expect({ sql, plan }).toEqual({ sql, plan: ['SEARCH users USING INDEX users_email (email_lower=?)'] });
  });

  // Each single sign-on and SCIM sync of a user reads the account's active human admins (the last is never demoted),
  // as do demoting an admin and deprovisioning: at 100k users they walked every human of the account (19 ms).
  it('an account\'s admins are searched by role (migration 022)', async () => {
    const account = forAccount(db, 1);
    await account.users.lockActiveAdmins();
    await account.deprovisioning.activeAdmins();
    const read = plans();
    expect(read).toHaveLength(2);
    for (const { sql, plan } of read) expect({ sql, plan }).toEqual({ sql, plan: ['SEARCH users USING INDEX users_account_role (account_id=? AND role=? AND is_bot=?)'] });
  });

  // An organization's spaces in id order: a page of them, GraphQL's first spaces of several organizations, the public
  // spaces an organization role reaches, a member's spaces when it leaves. They walked the account's spaces
  // (GraphQL's 51 of 3 organizations 1.42 ms at 10k spaces, 0.76 through the index).
  it('an organization\'s spaces are read through (organization_id, id) (migration 023)', async () => {
    const account = forAccount(db, 1);
    await account.spaces.list({ organizationId: 2, limit: 51 });
    await account.spaces.list({ organizationId: 2, name: 'models', after: 7, limit: 51 });
    await account.spaces.firstOfEachOrganization({ organizationIds: [2, 3, 4], limit: 51 });
    await account.serviceKeyBots.publicSpaceIds(2);
    await account.memberships.afterOrganizationMembership(5, 2);
    const ofSpaces = plans().flatMap(({ sql, plan }) => plan.filter((line) => /\bspaces\b/.test(line)).map((line) => ({ sql, line })));
    expect(ofSpaces).toHaveLength(7); // the bindings' cascade reads the organization's spaces twice
    for (const { sql, line } of ofSpaces) expect({ sql, line }).toEqual({ sql, line: expect.stringMatching(/^SEARCH spaces USING (COVERING )?INDEX spaces_organization \(organization_id=\?( AND id>\?)?\)$/) });
  });

  // `GET /v2/spaces` runs compiled queries without a name filter (an admin's pages, a member's visible ids bound as
  // one value): the account's pages walk its index from the cursor, the ids are looked up by id.
  it('the spaces lists\' compiled pages: the account\'s walk its index from the cursor, a member\'s ids are read by id', async () => {
    const spaces = forAccount(db, 1).spaces;
    await spaces.list({ limit: 51 });
    await spaces.list({ after: 9, limit: 51 });
    await spaces.list({ ids: [3, 5, 8], limit: 51 });
    const [first, after, ids] = plans().map(({ plan }) => plan);
    for (const page of [first, after]) expect(page).toEqual(['SEARCH spaces USING INDEX spaces_account (account_id=? AND id>?)']);
    expect(ids).toEqual([
      expect.stringMatching(/^SEARCH spaces USING INDEX spaces_account \(account_id=\? AND id=\?/), 'LIST SUBQUERY 1', expect.stringMatching(/^SCAN json_each/),
    ]);
  });

  // Deleting an identity provider hands the grants its syncs wrote to the admins, and a change to a SCIM provider's
  // mappings reads everyone holding one of them: each walked every membership and binding of the account (at 100k
  // users and 1M bindings, 171 and 327 ms). A sync of some users still reads their grants by user, not every grant
  // the provider wrote.
  it('a provider\'s grants are searched by provider (migration 024); a sync of some users\' grants by user', async () => {
    const account = forAccount(db, 1);
    await account.identityProviders.releaseGrants(7);
    await account.scimGroups.usersToResync(7);
    const byProvider = plans().flatMap(({ sql, plan }) => plan
      .filter((line) => /\b(organization_memberships|space_memberships|role_bindings|users)\b/.test(line)).map((line) => ({ sql, line })));
    expect(byProvider).toHaveLength(8);
    for (const { sql, line } of byProvider) {
      expect({ sql, line }).toEqual({ sql, line: expect.stringMatching(/^SEARCH (\w+) USING (COVERING )?INDEX (\w+_source_idp \(source_idp_id=\?\)|users_role_source \(role_source=\?\))$/) });
    }
    sent.length = 0;
    await account.syncedGrants.holdersAmong({ source: 'SCIM', idpId: 7 }, [2, 3, 4]);
    const byUser = plans().flatMap(({ sql, plan }) => plan
      .filter((line) => /\b(organization_memberships|space_memberships|role_bindings|users)\b/.test(line)).map((line) => ({ sql, line })));
    expect(byUser).toHaveLength(4);
    for (const { sql, line } of byUser) {
      expect({ sql, line }).toEqual({ sql, line: expect.stringMatching(/^SEARCH (\w+) USING ((COVERING )?INDEX \w+_user \(user_id=\?\)|INTEGER PRIMARY KEY \(rowid=\?\)|INDEX users_role_source \(role_source=\? AND rowid=\?\))$/) });
    }
  });

  // Deleting an organization names what goes with it (its spaces, their projects) before anything is deleted: the
  // projects were read through the account's index, every project of the account (1.45 ms of the seed world's 10k).
  it('what deleting an organization or a space takes away is read through the organization\'s and the spaces\' indexes', async () => {
    const at = '2026-01-01T00:00:00.000Z';
    connection.prepare('insert into accounts (id, name, created_at) values (900, ?, ?)').run('plans', at);
    connection.prepare('insert into organizations (id, account_id, name, created_at, updated_at) values (900, 900, ?, ?, ?)').run('org', at, at);
    connection.prepare('insert into spaces (id, account_id, organization_id, name, created_at, updated_at) values (900, 900, 900, ?, ?, ?)').run('space', at, at);
    const references = forAccount(db, 900).mappingReferences;
    await references.under({ type: 'ORGANIZATION', id: 900 });
    await references.under({ type: 'SPACE', id: 900 });
    const read = plans();
    expect(read.map(({ sql }) => /from "(\w+)"/.exec(sql)?.[1])).toEqual(['spaces', 'projects', 'projects']);
    for (const { sql, plan } of read) {
      expect({ sql, plan }).toEqual({ sql, plan: [expect.stringMatching(/^SEARCH (spaces|projects) USING (COVERING )?INDEX (spaces_organization|projects_space) \((organization|space)_id=\?\)$/)] });
    }
  });

  // REST's commonest list, a space's projects (`GET /v2/projects?space_id=…`), runs compiled queries (PreparedQuery)
  // for its first page and the pages after a cursor: each walks the space's index from where the page starts.
  it('a space\'s projects are paged through the space\'s index, from the cursor', async () => {
    const projects = forAccount(db, 1).projects;
    await projects.list({ spaceId: 7, limit: 101 });
    await projects.list({ spaceId: 7, after: 40, limit: 101 });
    const read = plans();
    expect(read).toHaveLength(2);
    expect(read.map(({ plan }) => plan)).toEqual([
      [expect.stringMatching(/^SEARCH projects USING INDEX projects_space \(space_id=\?\)$/)],
      [expect.stringMatching(/^SEARCH projects USING INDEX projects_space \(space_id=\? AND id>\?\)$/)],
    ]);
  });

  // The log's pages were read by sorting the whole window (30 days by default) by id: 389 ms for page 1 of a window
  // of 500k entries, 0.34 ms now. A page walks an index in the list's order, from the window's end or the cursor.
  it('the audit log\'s pages walk its time index newest first, from the cursor; a user\'s walk their own index', async () => {
    const logs = forAccount(db, 1).auditLogs;
    const window = { start: '2026-01-01T00:00:00.000Z', end: '2026-02-01T00:00:00.000Z', limit: 51 };
    const before = { at: '2026-01-20T00:00:00.000Z', id: 70 };
    await logs.list(window);
    await logs.list({ ...window, before });
    await logs.list({ ...window, userId: 2 });
    await logs.list({ ...window, userId: 2, before, operationType: 'MUTATION' });
    const pages = plans();
    expect(pages).toHaveLength(4);
    pages.forEach(({ sql, plan }, i) => {
      const index = i < 2 ? /^SEARCH audit_logs USING INDEX audit_logs_account_time \(account_id=\? AND created_at>\? AND created_at<\?\)$/
        : /^SEARCH audit_logs USING INDEX audit_logs_user \(user_id=\? AND created_at>\? AND created_at<\?\)$/;
      expect({ sql, plan }).toEqual({ sql, plan: [expect.stringMatching(index)] });
    });
    // With a cursor, the walk's upper bound is the cursor's time, not the window's end.
    expect(sent[1]!.parameters).toContain(before.at);
    expect(sent[1]!.parameters).not.toContain(window.end);
  });

  // `account_id = ? and (created_by_user_id = ? or root_creator_user_id = ?)` read every key of the account (5.5 ms
  // among 20k keys, 0.08 ms searched by creator).
  it('the keys a person created, directly or through their bots, are searched by creator: the list and deprovisioning\'s', async () => {
    const keys = forAccount(db, 1).apiKeys;
    await keys.list({ status: 'ACTIVE', now: new Date().toISOString(), rootCreator: 2, limit: 51 });
    await keys.serviceKeysCreatedBy(2, new Date().toISOString());
    const ofKeys = plans((sql) => sql.includes('"api_keys"'));
    expect(ofKeys).toHaveLength(2);
    for (const { sql, plan } of ofKeys) {
      const searches = plan.filter((line) => /\bapi_keys\b/.test(line));
      expect({ sql, searches }).toEqual({ sql, searches: [
        expect.stringMatching(/^SEARCH api_keys USING INDEX api_keys_owner \(account_id=\? AND created_by_user_id=\?/),
        expect.stringMatching(/^SEARCH api_keys USING INDEX api_keys_root_creator \(account_id=\? AND root_creator_user_id=\?/),
      ] });
    }
  });

  // The failures were read as the audit log was: every row of the window, sorted by id (583 ms for the operator
  // account's page 1 among 1M rows). The account's and no account's pages are walks of the index by start.
  it('failed authentications are read a page at a time, newest first, from the index by when each began', async () => {
    const failures = forAccount(db, 1).authenticationFailures;
    const window = { start: '2026-01-01T00:00:00.000Z', end: '2026-02-01T00:00:00.000Z', limit: 51 };
    await failures.list({ ...window, withoutAccount: true });
    await failures.list({ ...window, withoutAccount: false, before: { at: '2026-01-20T00:00:00.000Z', id: 70 } });
    const pages = plans();
    expect(pages).toHaveLength(3);
    for (const { sql, plan } of pages) {
      expect({ sql, plan }).toEqual({ sql, plan: [
        expect.stringMatching(/^SEARCH authentication_failures USING INDEX authentication_failures_began \(account_id=\? AND first_at>\? AND first_at<\?\)$/),
      ] });
    }
  });

  // At every run of the archive (every AX_AUDIT_CHECKPOINT_INTERVAL with a retention set), which accounts have
  // entries to archive read the whole log (267 ms of 1M entries, the event loop held), and where an account's kept
  // entries start read every one of them (134 ms of 500k with 10 minutes' worth to archive; 0.12 ms now).
  it('the archive finds what to archive by account and in chain order, not by reading the log', async () => {
    await accountsWithAuditBefore(db, '2026-01-01T00:00:00.000Z');
    await forAccount(db, 1).auditLogs.firstSeqFrom('2026-01-01T00:00:00.000Z', 70);
    const [accounts, first] = plans();
    expect(accounts!.plan).toEqual(['SCAN h', expect.stringMatching(/^SEARCH a EXISTS USING INDEX audit_logs_account_time \(account_id=\? AND created_at<\?\)$/)]);
    expect(first!.plan).toEqual([expect.stringMatching(/^SEARCH audit_logs USING INDEX audit_logs_chain \(account_id=\? AND chain_seq>\?\)$/)]);
  });
});
