import { mkdtemp, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { entryTextAround, hashAround } from '../../src/domain/audit-chain.js';
import { PREDEFINED_ROLE_KEYS, PREDEFINED_ROLES } from '../../src/domain/predefined-roles.js';
import { digestKey } from '../../src/keys/key-digest.js';
import { generateKey } from '../../src/keys/key-format.js';
import { startServer } from '../../src/server/start-server.js';
import { isPostgres } from '../../src/store/dialect.js';
import { openStore } from '../../src/store/database.js';
import { migrationNames } from '../../src/store/migrator.js';
import type { MigrationDatabase } from '../../src/store/migrations/migration-database.js';
import * as m001 from '../../src/store/migrations/001-initial.js';
import * as m002 from '../../src/store/migrations/002-user-tokens-by-user.js';
import * as m003 from '../../src/store/migrations/003-service-key-root-creator.js';
import * as m004 from '../../src/store/migrations/004-auth-hardening.js';
import * as m005 from '../../src/store/migrations/005-identity.js';
import * as m006 from '../../src/store/migrations/006-oauth.js';
import * as m007 from '../../src/store/migrations/007-deactivation.js';
import * as m008 from '../../src/store/migrations/008-scim.js';
import * as m009 from '../../src/store/migrations/009-identity-links-by-user-and-provider.js';
import * as m010 from '../../src/store/migrations/010-expiring-grants.js';
import * as m011 from '../../src/store/migrations/011-audit-chain.js';
import * as m012 from '../../src/store/migrations/012-access-reviews.js';
import * as m013 from '../../src/store/migrations/013-key-grace-usage.js';
import * as m014 from '../../src/store/migrations/014-projects-by-space.js';
import * as m015 from '../../src/store/migrations/015-role-bindings-by-user.js';
import * as m016 from '../../src/store/migrations/016-role-bindings-by-resource.js';
import * as m017 from '../../src/store/migrations/017-role-bindings-read-from-index.js';
import * as m018 from '../../src/store/migrations/018-audit-logs-by-user.js';
import * as m019 from '../../src/store/migrations/019-authentication-failures-by-start.js';
import * as m020 from '../../src/store/migrations/020-memberships-by-role.js';
import * as m021 from '../../src/store/migrations/021-users-by-email.js';
import * as m022 from '../../src/store/migrations/022-users-by-account-role.js';
import * as m023 from '../../src/store/migrations/023-spaces-by-organization.js';
import * as m024 from '../../src/store/migrations/024-grants-by-provider.js';
import { createTestDatabase } from '../helpers/database.js';

/**
 * Issue 16, "migrations forward only, each tested from the previous release's schema with data in it": one database
 * is taken through the migrations one at a time (Kysely's `migrateTo`). At each schema N-1, rows go in through SQL
 * (as the version of that schema wrote them) into the tables that version added; then migration N runs over every
 * row written so far, and each row must still be there with the values it had (bar what N says it changes). At the
 * end a server of this version starts on the database and reads the old rows through its repositories.
 */
const MIGRATIONS: Record<string, Migration> = {
  '001-initial': m001, '002-user-tokens-by-user': m002, '003-service-key-root-creator': m003, '004-auth-hardening': m004,
  '005-identity': m005, '006-oauth': m006, '007-deactivation': m007, '008-scim': m008,
  '009-identity-links-by-user-and-provider': m009, '010-expiring-grants': m010, '011-audit-chain': m011,
  '012-access-reviews': m012, '013-key-grace-usage': m013, '014-projects-by-space': m014,
  '015-role-bindings-by-user': m015, '016-role-bindings-by-resource': m016, '017-role-bindings-read-from-index': m017,
  '018-audit-logs-by-user': m018, '019-authentication-failures-by-start': m019, '020-memberships-by-role': m020,
  '021-users-by-email': m021, '022-users-by-account-role': m022, '023-spaces-by-organization': m023,
  '024-grants-by-provider': m024,
};

type Db = Kysely<MigrationDatabase>;
type Row = Record<string, unknown>;
const at = (i: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString();
const PEPPER = randomBytes(32).toString('hex');
const KEY = generateKey();

/** The tables rows were written to so far (what each migration is checked against). */
const written = new Set<string>();

async function insert(db: Db, table: string, row: Row): Promise<Row> {
  written.add(table);
  return db.insertInto(table).values(row).returningAll().executeTakeFirstOrThrow();
}

/** What each schema's version wrote, into the tables (and columns) that schema had; ids of earlier rows in `ids`. */
const SEEDS: Record<string, (db: Db, ids: Record<string, number>) => Promise<void>> = {
  '001-initial': async (db, ids) => {
    await insert(db, 'server_settings', { name: 'cursor_key', value: randomBytes(32).toString('hex') });
    ids.account = Number((await insert(db, 'accounts', { name: 'acme', created_at: at(0) })).id);
    const account_id = ids.account;
    for (const key of PREDEFINED_ROLE_KEYS) {
      const role = await insert(db, 'roles', { account_id, predefined_key: key, name: PREDEFINED_ROLES[key].name, description: PREDEFINED_ROLES[key].description, permissions: null, created_at: at(0), updated_at: at(0) });
      ids[`role_${key}`] = Number(role.id);
    }
    const user = (name: string, email: string, role: string, is_bot = 0) => insert(db, 'users', {
      account_id, name, email, email_lower: email.toLowerCase(), role, status: 'ACTIVE', is_developer: 1, is_bot, password_hash: null,
      must_change_password: 0, deleted_at: null, created_at: at(1), updated_at: at(1),
    });
    ids.admin = Number((await user('Ada Admin', 'Ada@Example.com', 'ADMIN')).id);
    ids.member = Number((await user('Ünïcode Member', 'member@example.com', 'MEMBER')).id);
    ids.bot = Number((await user('ci bot', 'bot@bots.invalid', 'MEMBER', 1)).id);
    ids.org = Number((await insert(db, 'organizations', { account_id, name: 'Research', description: 'the lab', created_at: at(2), updated_at: at(2) })).id);
    ids.space = Number((await insert(db, 'spaces', { account_id, organization_id: ids.org, name: 'models', description: '', is_private: 1, created_at: at(2), updated_at: at(2) })).id);
    ids.project = Number((await insert(db, 'projects', { account_id, space_id: ids.space, name: 'ranker', created_at: at(3), updated_at: at(3) })).id);
    await insert(db, 'organization_memberships', { account_id, organization_id: ids.org, user_id: ids.member, role_id: ids.role_MEMBER, created_at: at(3), updated_at: at(3) });
    await insert(db, 'space_memberships', { account_id, space_id: ids.space, user_id: ids.member, role_id: ids.role_READ_ONLY, created_at: at(3), updated_at: at(3) });
    await insert(db, 'role_bindings', { account_id, user_id: ids.member, role_id: ids.role_ADMIN, resource_type: 'PROJECT', space_id: null, project_id: ids.project, created_at: at(3), updated_at: at(3) });
    await insert(db, 'resource_restrictions', { project_id: ids.project, account_id, created_at: at(4) });
    const key = { account_id, key_type: 'USER', description: null, status: 'ACTIVE', expires_at: null, revoked_at: null, last_used_at: null, replaced_by_id: null, created_at: at(4) };
    await insert(db, 'api_keys', { ...key, user_id: ids.admin, created_by_user_id: ids.admin, name: 'admin key', public_id: KEY.publicId, secret_hash: digestKey(Buffer.from(PEPPER, 'hex'), KEY.raw), last4: KEY.raw.slice(-4) });
    await insert(db, 'api_keys', { ...key, key_type: 'SERVICE', user_id: ids.bot, created_by_user_id: ids.member, name: 'ci', public_id: 'svc0000000000000001', secret_hash: 'ab'.repeat(32), last4: 'wxyz' });
    await insert(db, 'user_tokens', { user_id: ids.member, kind: 'INVITATION', token_hash: 'cd'.repeat(32), expires_at: at(100), used_at: null, created_at: at(4) });
    await insert(db, 'sessions', { user_id: ids.admin, token_hash: 'ef'.repeat(32), csrf_token: 'csrf', created_at: at(4), expires_at: at(100), revoked_at: null });
    await insert(db, 'audit_logs', { account_id, user_id: ids.admin, ip: '10.0.0.1', operation_type: 'MUTATION', operation_name: 'POST /v2/spaces', operation_text: '{"name":"models \\"quoted\\""}', variables: '{}', created_at: at(5) });
    // How failed sign-ins were recorded before 004: an audit row without a user.
    await insert(db, 'audit_logs', { account_id, user_id: null, ip: '10.0.0.9', operation_type: 'MUTATION', operation_name: 'AUTHENTICATION_FAILED POST /v2/spaces', operation_text: '{"reason":"UNKNOWN_KEY"}', variables: null, created_at: at(6) });
  },
  '002-user-tokens-by-user': async (db, ids) => {
    await insert(db, 'user_tokens', { user_id: ids.admin, kind: 'PASSWORD_RESET', token_hash: '12'.repeat(32), expires_at: at(100), used_at: at(7), created_at: at(7) });
  },
  '003-service-key-root-creator': async (db, ids) => {
    await db.updateTable('accounts').set({ access_version: 3 }).where('id', '=', ids.account!).execute();
  },
  '004-auth-hardening': async (db, ids) => {
    await insert(db, 'authentication_failures', { bucket: 'b-1', account_id: ids.account, user_id: null, ip: '10.0.0.8', reason: 'BAD_PASSWORD', operation: 'POST /auth/sign-in', count: 3, first_at: at(8), last_at: at(9) });
    await insert(db, 'sessions', { user_id: ids.member, token_hash: '34'.repeat(32), created_at: at(8), expires_at: at(100), revoked_at: null, last_seen_at: at(9) });
  },
  '005-identity': async (db, ids) => {
    ids.idp = Number((await insert(db, 'identity_providers', { account_id: ids.account, protocol: 'OIDC', name: 'Okta', issuer: 'https://idp.example', client_id: 'ax', scopes: '["openid","email"]', created_at: at(10), updated_at: at(10) })).id);
    await insert(db, 'identity_provider_domains', { domain: 'example.com', idp_id: ids.idp, validated: 1 });
    await insert(db, 'role_mappings', { account_id: ids.account, idp_id: ids.idp, position: 0, attributes_map: '{"groups":["eng"]}', org_role: null, space_roles: '[]', project_roles: '[]', created_at: at(10), updated_at: at(10) });
    await insert(db, 'user_identities', { idp_id: ids.idp, subject: 'okta|1', user_id: ids.member, last_login_at: at(11), last_attributes: '{}', created_at: at(10) });
    await insert(db, 'sso_login_attempts', { id: 'attempt-1', idp_id: ids.idp, protocol: 'OIDC', state_hash: '56'.repeat(32), return_to: '/', created_at: at(11), expires_at: at(100) });
    await insert(db, 'saml_assertions_seen', { idp_id: ids.idp, assertion_id: '_a1', expires_at: at(100) });
    await insert(db, 'organization_memberships', { account_id: ids.account, organization_id: ids.org, user_id: ids.admin, role_id: ids.role_ADMIN, source: 'SSO', source_idp_id: ids.idp, created_at: at(11), updated_at: at(11) });
  },
  '006-oauth': async (db, ids) => {
    await insert(db, 'oauth_payloads', { model: 'Grant', id: '78'.repeat(32), payload: '{"accountId":"1"}', grant_id: null, uid: null, account_id: ids.admin, client_id: 'ax-cli', created_at: at(12), expires_at: at(100) });
  },
  '007-deactivation': async (db, ids) => {
    await db.updateTable('users').set({ deactivated_at: at(13) }).where('id', '=', ids.bot!).execute();
  },
  '008-scim': async (db, ids) => {
    await insert(db, 'scim_tokens', { account_id: ids.account, idp_id: ids.idp, public_id: 'scim0000000000000001', secret_hash: '9a'.repeat(32), last4: 'abcd', name: 'directory', created_by_user_id: ids.admin, created_at: at(14) });
    const group = await insert(db, 'scim_groups', { account_id: ids.account, idp_id: ids.idp, display_name: 'Eng', display_name_key: 'eng', external_id: 'g1', created_at: at(14), updated_at: at(14) });
    await insert(db, 'scim_group_members', { group_id: group.id, user_id: ids.member, created_at: at(14) });
    await insert(db, 'user_identities', { idp_id: ids.idp, subject: 'okta|2', user_id: ids.admin, provisioned_by_scim: 1, scim_user_name: 'Ada', scim_user_name_key: 'ada', created_at: at(14) });
  },
  '009-identity-links-by-user-and-provider': async () => undefined,
  '010-expiring-grants': async (db, ids) => {
    await insert(db, 'space_memberships', { account_id: ids.account, space_id: ids.space, user_id: ids.admin, role_id: ids.role_MEMBER, expires_at: at(1000), reason: 'on call', created_at: at(15), updated_at: at(15) });
  },
  '011-audit-chain': async () => undefined,
  '012-access-reviews': async (db, ids) => {
    const review = await insert(db, 'access_reviews', { account_id: ids.account, name: 'Q1', status: 'open', created_at: at(17), created_by_user_id: ids.admin, closed_at: null, closed_by_user_id: null, grant_count: 1, digest: 'cd'.repeat(32), signature: 'c2lnbmF0dXJl', key_id: '0123456789abcdef' });
    await insert(db, 'access_review_grants', {
      review_id: review.id, account_id: ids.account, principal_type: 'USER', user_id: ids.admin, principal_name: 'Ada', principal_email: 'Ada@Example.com', principal_status: 'ACTIVE',
      source: 'ACCOUNT_ROLE', resource_type: 'ACCOUNT', resource_id: ids.account, resource_name: 'acme', role_id: null, role_name: 'ADMIN', binding_id: null,
      provenance: 'MANUAL', provenance_idp_id: null, expires_at: null, decision: 'keep', decided_by_user_id: ids.admin, decided_at: at(18), note: null, outcome: 'kept',
    });
  },
  '013-key-grace-usage': async (db, ids) => {
    // A second project in the space, named before the first: 014's index reads the space's projects by id, not name.
    await insert(db, 'projects', { account_id: ids.account, space_id: ids.space, name: 'aardvark', created_at: at(19), updated_at: at(19) });
    const key = await db.selectFrom('api_keys').select('id').where('public_id', '=', 'svc0000000000000001').executeTakeFirstOrThrow();
    await insert(db, 'api_key_grace_usage', { api_key_id: key.id, account_id: ids.account, uses: 3, last_used_at: at(19), last_used_ip: '10.0.0.7' });
    await insert(db, 'api_key_grace_minutes', { api_key_id: key.id, minute: '2025-01-01T00:00', uses: 3 });
    // Bindings the access snapshot reads at the end: one on the space that has expired, one on the second project.
    const aardvark = await db.selectFrom('projects').select('id').where('name', '=', 'aardvark').executeTakeFirstOrThrow();
    const binding = { account_id: ids.account, user_id: ids.member, created_at: at(20), updated_at: at(20) };
    await insert(db, 'role_bindings', { ...binding, role_id: ids.role_MEMBER, resource_type: 'SPACE', space_id: ids.space, project_id: null, expires_at: at(1000), reason: 'on call' });
    await insert(db, 'role_bindings', { ...binding, role_id: ids.role_ADMIN, resource_type: 'PROJECT', space_id: null, project_id: aardvark.id });
  },
  '014-projects-by-space': async (db, ids) => {
    // Another person's binding on the space: 015's index reads one user's bindings, the list by user shows only theirs.
    await insert(db, 'role_bindings', { account_id: ids.account, user_id: ids.admin, role_id: ids.role_READ_ONLY, resource_type: 'SPACE', space_id: ids.space, project_id: null, created_at: at(21), updated_at: at(21) });
  },
  '015-role-bindings-by-user': async (db, ids) => {
    // A second person's binding on the first project: 016's unique indexes lead with the resource, a project's page
    // of bindings reads them by project.
    await insert(db, 'role_bindings', { account_id: ids.account, user_id: ids.admin, role_id: ids.role_MEMBER, resource_type: 'PROJECT', space_id: null, project_id: ids.project, created_at: at(22), updated_at: at(22) });
  },
  '016-role-bindings-by-resource': async (db, ids) => {
    // A binding that expires later, on the second project: on SQLite, 017's index carries its expiry.
    const aardvark = await db.selectFrom('projects').select('id').where('name', '=', 'aardvark').executeTakeFirstOrThrow();
    await insert(db, 'role_bindings', { account_id: ids.account, user_id: ids.admin, role_id: ids.role_READ_ONLY, resource_type: 'PROJECT', space_id: null, project_id: aardvark.id, created_at: at(23), updated_at: at(23), expires_at: '2099-01-01T00:00:00.000Z' });
  },
  '017-role-bindings-read-from-index': async (db, ids) => {
    // The member's entry, chained after the admin's as the server writes it: 018's index reads one person's entries.
    const head = await db.selectFrom('audit_chain_heads').select(['seq', 'hash']).where('account_id', '=', ids.account!).executeTakeFirstOrThrow();
    const seq = Number(head.seq) + 1;
    const fields = {
      account_id: ids.account!, created_at: at(24), user_id: ids.member!, ip: '10.0.0.2', operation_type: 'MUTATION',
      operation_name: 'DELETE /v2/projects/{project_id}', operation_text: null, variables: null,
    };
    const hash = hashAround(entryTextAround(fields), seq, String(head.hash));
    await insert(db, 'audit_logs', { ...fields, chain_seq: seq, chain_hash: hash });
    await db.updateTable('audit_chain_heads').set({ seq, hash }).where('account_id', '=', ids.account!).execute();
  },
  '018-audit-logs-by-user': async (db) => {
    // A failure of no known account, the newest: 019's index lists them by when each began.
    await insert(db, 'authentication_failures', { bucket: 'b-2', account_id: null, user_id: null, ip: '10.0.0.7', reason: 'UNKNOWN_KEY', operation: 'GET /v2/users', count: 2, first_at: at(25), last_at: at(26) });
  },
  '019-authentication-failures-by-start': async (db, ids) => {
    // A custom role the member holds in a second organization and in its space: 020's indexes find a role's memberships.
    ids.custom = Number((await insert(db, 'roles', { account_id: ids.account, predefined_key: null, name: 'auditor', description: null, permissions: '["SPACE_READ"]', created_at: at(27), updated_at: at(27) })).id);
    const org = Number((await insert(db, 'organizations', { account_id: ids.account, name: 'second', description: '', created_at: at(27), updated_at: at(27) })).id);
    const space = Number((await insert(db, 'spaces', { account_id: ids.account, organization_id: org, name: 'second-space', description: '', is_private: 0, created_at: at(27), updated_at: at(27) })).id);
    await insert(db, 'organization_memberships', { account_id: ids.account, organization_id: org, user_id: ids.member, role_id: ids.custom, created_at: at(27), updated_at: at(27) });
    await insert(db, 'space_memberships', { account_id: ids.account, space_id: space, user_id: ids.member, role_id: ids.custom, created_at: at(27), updated_at: at(27) });
  },
  '020-memberships-by-role': async (db, ids) => {
    // A deleted user: 021's index by email finds it when its email is invited again.
    await insert(db, 'users', {
      account_id: ids.account, name: 'Gone', email: 'Gone@Example.com', email_lower: 'gone@example.com', role: 'MEMBER', status: 'ACTIVE',
      is_developer: 1, is_bot: 0, password_hash: null, must_change_password: 0, deleted_at: at(28), created_at: at(28), updated_at: at(28),
    });
  },
  '021-users-by-email': async (db, ids) => {
    // A deleted admin: 022's index finds the account's admins, and the only live one is still the last.
    await insert(db, 'users', {
      account_id: ids.account, name: 'Former Admin', email: 'former@example.com', email_lower: 'former@example.com', role: 'ADMIN', status: 'ACTIVE',
      is_developer: 1, is_bot: 0, password_hash: null, must_change_password: 0, deleted_at: at(29), created_at: at(29), updated_at: at(29),
    });
  },
  '022-users-by-account-role': async (db, ids) => {
    // A second space of the first organization, named before the first: 023's index lists them by id, not by name.
    await insert(db, 'spaces', { account_id: ids.account, organization_id: ids.org, name: 'alpha', description: '', is_private: 0, created_at: at(30), updated_at: at(30) });
  },
  '023-spaces-by-organization': async (db, ids) => {
    // Grants the provider's sign-ons wrote, beside 005's: the bot's binding on the space and the member's account
    // role. 024's indexes find them when the provider is deleted.
    await insert(db, 'role_bindings', { account_id: ids.account, user_id: ids.bot, role_id: ids.role_READ_ONLY, resource_type: 'SPACE', space_id: ids.space, project_id: null, source: 'SSO', source_idp_id: ids.idp, created_at: at(31), updated_at: at(31) });
    await db.updateTable('users').set({ role_source: `SSO:${ids.idp}`, role_before_sync: 'MEMBER' }).where('id', '=', ids.member!).execute();
  },
};

/** The rows of every table written so far (and of `also`), sorted: compared as sets, whatever order a backend returns. */
async function snapshot(db: Db, also: string[] = []): Promise<Map<string, Row[]>> {
  const result = new Map<string, Row[]>();
  for (const table of [...written, ...also]) {
    const rows = await db.selectFrom(table).selectAll().execute();
    result.set(table, rows.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))));
  }
  return result;
}

/** Rows of `before` projected onto the columns they had, compared with the same rows after the migration. */
function survivors(before: Row[], after: Row[]): { before: Row[]; after: Row[] } {
  const columns = Object.keys(before[0] ?? {}).filter((column) => after.length === 0 || column in after[0]!);
  const project = (rows: Row[]) => rows.map((row) => Object.fromEntries(columns.map((c) => [c, row[c]])))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return { before: project(before), after: project(after) };
}

describe('each migration, from the schema before it with data in it', () => {
  it('keeps every row (bar the changes the migration documents), and this version serves the upgraded database', async () => {
    const database = await createTestDatabase();
    const dataDir = await mkdtemp(join(tmpdir(), 'ax-migrations-'));
    const store = openStore({ dataDir, databaseUrl: database.url });
    try {
      const db = store.db as unknown as Db;
      // Every migration of this version runs here over data: a new one fails this test until the schema before it
      // (the latest one's today) gets a seed.
      expect(Object.keys(MIGRATIONS)).toEqual(migrationNames());
      expect(Object.keys(SEEDS)).toEqual(migrationNames().slice(0, -1));
      const schema = isPostgres(db) ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s : undefined;
      const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS }, ...(schema ? { migrationTableSchema: schema } : {}) });
      const ids: Record<string, number> = {};
      let before = new Map<string, Row[]>();
      const names = migrationNames();
      for (const [i, name] of names.entries()) {
        const migrated = await migrator.migrateTo(name);
        expect(migrated.error).toBeUndefined();
        expect(migrated.results?.map((r) => [r.migrationName, r.status])).toEqual([[name, 'Success']]);
        if (i > 0) {
          const previous = names[i - 1]!;
          // The rows written at the schema before this migration, against what is there after it.
          const after = await snapshot(db, name === '004-auth-hardening' ? ['authentication_failures'] : []);
          for (const [table, rows] of before.entries()) {
            let expected = rows;
            if (name === '004-auth-hardening' && table === 'audit_logs') expected = rows.filter((row) => row.user_id !== null);
            const compared = survivors(expected, after.get(table) ?? []);
            expect(compared.after, `${table} after ${name} (rows written at ${previous})`).toEqual(compared.before);
          }
          if (name === '004-auth-hardening') {
            expect(after.get('authentication_failures')).toEqual([expect.objectContaining({ ip: '10.0.0.9', reason: 'UNKNOWN_KEY', operation: 'POST /v2/spaces', count: 1 })]);
          }
          if (name === '011-audit-chain') {
            expect(after.get('audit_logs')!.map((row) => Number(row.chain_seq))).toEqual([1]);
          }
        }
        await SEEDS[name]?.(db, ids);
        before = await snapshot(db);
      }
    } finally {
      await store.close();
    }

    const server = await startServer({
      host: '127.0.0.1', port: 0, dataDir, databaseUrl: database.url, handleSignals: false,
      env: { PATH: process.env.PATH ?? '', AX_KEY_PEPPER: PEPPER, AX_LOG_LEVEL: 'warn', AX_AUTO_MIGRATE: 'false', DATABASE_URL: database.url ?? '', ARIZE_DIRECTORY: join(dataDir, 'arize') },
    });
    try {
      const get = async (path: string) => {
        const res = await fetch(server.url + path, { headers: { authorization: `Bearer ${KEY.raw}` } });
        const body = await res.json() as Row;
        expect(res.status, `${path}: ${JSON.stringify(body)}`).toBe(200);
        return body as Record<string, Row[]> & Row;
      };
      const users = await get('/v2/users');
      expect(users.users!.map((u) => u.email).sort()).toEqual(['Ada@Example.com', 'member@example.com']);
      const spaces = await get('/v2/spaces');
      expect(spaces.spaces!.map((space) => space.name)).toEqual(['models', 'second-space', 'alpha']);
      // The first organization's spaces, read through 023's index, in id order as every list is.
      const research = (await get('/v2/organizations')).organizations!.find((o) => o.name === 'Research')!;
      expect((await get(`/v2/spaces?org_id=${encodeURIComponent(String(research.id))}`)).spaces!.map((space) => space.name)).toEqual(['models', 'alpha']);
      // The space's projects in id order (014's index), not in name order (the unique index they were read through).
      const projects = await get(`/v2/projects?space_id=${encodeURIComponent(String(spaces.spaces![0]!.id))}`);
      expect(projects.projects!.map((p) => p.name)).toEqual(['ranker', 'aardvark']);
      // The access snapshot reads the upgraded bindings: the member's ADMIN binding on the second project is what
      // lets it delete that project.
      const member = users.users!.find((u) => u.email === 'member@example.com')!;
      const check = await fetch(`${server.url}/v2/access/check`, {
        method: 'POST', headers: { authorization: `Bearer ${KEY.raw}`, 'content-type': 'application/json' },
        body: JSON.stringify({ user_id: member.id, permission: 'PROJECT_DELETE', resource_id: projects.projects![1]!.id }),
      });
      expect(await check.json()).toMatchObject({ allowed: true, reasons: [{ source: 'PROJECT_BINDING', resource_id: projects.projects![1]!.id }] });
      // One user's bindings, through 015's index: the member's on both projects, the admin's on the space.
      const admin = users.users!.find((u) => u.email === 'Ada@Example.com')!;
      const bindingsOf = async (user: Row, type: string) => (await get(`/v2/role-bindings?user_id=${encodeURIComponent(String(user.id))}&resource_type=${type}`)).role_bindings!
        .map((b) => [b.user_id, b.resource_id]);
      expect(await bindingsOf(member, 'PROJECT')).toEqual(projects.projects!.map((p) => [member.id, p.id]));
      expect(await bindingsOf(admin, 'SPACE')).toEqual([[admin.id, spaces.spaces![0]!.id]]);
      expect(await bindingsOf(admin, 'PROJECT')).toEqual(projects.projects!.map((p) => [admin.id, p.id]));
      // One project's bindings, through 016's index: the member's and the admin's on the first project.
      const ranker = projects.projects![0]!;
      expect((await get(`/v2/role-bindings?resource_type=PROJECT&resource_id=${encodeURIComponent(String(ranker.id))}`)).role_bindings!
        .map((b) => [b.user_id, b.resource_id])).toEqual([[member.id, ranker.id], [admin.id, ranker.id]]);
      // Each person's entries, through 018's index; the log's two entries newest first.
      const window = `start_time=${encodeURIComponent(at(0))}&end_time=${encodeURIComponent(at(100))}`;
      const logs = async (query: string) => (await get(`/v2/audit-logs?${window}${query}`)).logs!.map((l) => [l.user_id, l.operation_name]);
      expect(await logs(`&user_id=${encodeURIComponent(String(member.id))}`)).toEqual([[member.id, 'DELETE /v2/projects/{project_id}']]);
      expect(await logs(`&user_id=${encodeURIComponent(String(admin.id))}`)).toEqual([[admin.id, 'POST /v2/spaces']]);
      expect(await logs('')).toEqual([[member.id, 'DELETE /v2/projects/{project_id}'], [admin.id, 'POST /v2/spaces']]);
      // The failed authentications through 019's index, newest first by when each began (the first account is the
      // operator's: those of no known account too).
      const failures = (await get(`/v2/audit-logs/authentication-failures?${window}`)).failures!;
      expect(failures.map((f) => f.ip)).toEqual(['10.0.0.7', '10.0.0.8', '10.0.0.9']);
      // The custom role's memberships, through 020's indexes: deleting it is refused, naming them.
      const custom = (await get('/v2/roles?limit=100')).roles!.find((r) => r.name === 'auditor')!;
      const refused = await fetch(`${server.url}/v2/roles/${encodeURIComponent(String(custom.id))}`, { method: 'DELETE', headers: { authorization: `Bearer ${KEY.raw}` } });
      expect(refused.status).toBe(409);
      expect((await refused.json() as Row).detail).toContain('0 role binding(s), 1 organization membership(s), 1 space membership(s)');
      // The deleted user's email, through 021's index: it cannot be invited again.
      const reinvite = await fetch(`${server.url}/v2/users`, {
        method: 'POST', headers: { authorization: `Bearer ${KEY.raw}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'gone@example.com', name: 'Gone again', role: { type: 'PREDEFINED', name: 'MEMBER' }, invite_mode: 'NONE' }),
      });
      expect(reinvite.status).toBe(409);
      expect((await reinvite.json() as Row).detail).toContain('deleted users cannot be re-invited');
      // The account's only admin, found through 022's index: it cannot be demoted.
      const ada = users.users!.find((u) => u.email === 'Ada@Example.com')!;
      const demote = await fetch(`${server.url}/v2/users/${encodeURIComponent(String(ada.id))}/role`, {
        method: 'PUT', headers: { authorization: `Bearer ${KEY.raw}`, 'content-type': 'application/json' }, body: JSON.stringify({ role: 'MEMBER' }),
      });
      expect(demote.status).toBe(422);
      expect((await demote.json() as Row).code).toBe('LAST_ACTIVE_ADMIN');
      const verify = await get('/v2/audit-logs/verify');
      expect(verify).toMatchObject({ valid: true, entries_checked: 2, head_seq: 2 });
      // The grants the provider's sign-ons wrote, found through 024's indexes: deleting it hands them to the admins.
      const okta = (await get('/v2/oidc-identity-providers')).oidc_identity_providers!.find((p) => p.name === 'Okta')!;
      const onSpace = async () => (await get(`/v2/role-bindings?resource_type=SPACE&resource_id=${encodeURIComponent(String(spaces.spaces![0]!.id))}`)).role_bindings!
        .map((b) => [b.source, b.source_idp_id ?? null]);
      expect(await onSpace()).toEqual([['MANUAL', null], ['MANUAL', null], ['SSO', okta.id]]);
      const deleted = await fetch(`${server.url}/v2/oidc-identity-providers/${encodeURIComponent(String(okta.id))}`, { method: 'DELETE', headers: { authorization: `Bearer ${KEY.raw}` } });
      expect(deleted.status).toBe(204);
      expect(await onSpace()).toEqual([['MANUAL', null], ['MANUAL', null], ['MANUAL', null]]);
      // The member's account role, which the provider's sync had set, is released too.
      const entry = (await get('/v2/audit-logs?limit=1')).logs![0]!;
      expect(entry.operation_name).toBe('DELETE /v2/oidc-identity-providers/:idp_id');
      expect((JSON.parse(String(entry.operation_text)) as Row).grants_now_manual_for_users).toEqual([admin.id, member.id, expect.any(String)]);
    } finally {
      await server.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
