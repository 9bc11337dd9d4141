import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import { isPostgres } from './dialect.js';
import type { Database } from './schema.js';
import * as m001 from './migrations/001-initial.js';
import * as m002 from './migrations/002-user-tokens-by-user.js';
import * as m003 from './migrations/003-service-key-root-creator.js';
import * as m004 from './migrations/004-auth-hardening.js';
import * as m005 from './migrations/005-identity.js';
import * as m006 from './migrations/006-oauth.js';
import * as m007 from './migrations/007-deactivation.js';
import * as m008 from './migrations/008-scim.js';
import * as m009 from './migrations/009-identity-links-by-user-and-provider.js';
import * as m010 from './migrations/010-expiring-grants.js';
import * as m011 from './migrations/011-audit-chain.js';
import * as m012 from './migrations/012-access-reviews.js';
import * as m013 from './migrations/013-key-grace-usage.js';
import * as m014 from './migrations/014-projects-by-space.js';
import * as m015 from './migrations/015-role-bindings-by-user.js';
import * as m016 from './migrations/016-role-bindings-by-resource.js';
import * as m017 from './migrations/017-role-bindings-read-from-index.js';
import * as m018 from './migrations/018-audit-logs-by-user.js';
import * as m019 from './migrations/019-authentication-failures-by-start.js';
import * as m020 from './migrations/020-memberships-by-role.js';
import * as m021 from './migrations/021-users-by-email.js';
import * as m022 from './migrations/022-users-by-account-role.js';
import * as m023 from './migrations/023-spaces-by-organization.js';
import * as m024 from './migrations/024-grants-by-provider.js';

const MIGRATIONS: Record<string, Migration> = {
  '001-initial': m001,
  '002-user-tokens-by-user': m002,
  '003-service-key-root-creator': m003,
  '004-auth-hardening': m004,
  '005-identity': m005,
  '006-oauth': m006,
  '007-deactivation': m007,
  '008-scim': m008,
  '009-identity-links-by-user-and-provider': m009,
  '010-expiring-grants': m010,
  '011-audit-chain': m011,
  '012-access-reviews': m012,
  '013-key-grace-usage': m013,
  '014-projects-by-space': m014,
  '015-role-bindings-by-user': m015,
  '016-role-bindings-by-resource': m016,
  '017-role-bindings-read-from-index': m017,
  '018-audit-logs-by-user': m018,
  '019-authentication-failures-by-start': m019,
  '020-memberships-by-role': m020,
  '021-users-by-email': m021,
  '022-users-by-account-role': m022,
  '023-spaces-by-organization': m023,
  '024-grants-by-provider': m024,
};

/** The names of the migrations this version knows, oldest first. */
export function migrationNames(): string[] {
  return Object.keys(MIGRATIONS);
}

/**
 * Brings the schema up to date and answers the names of the migrations it applied. Kysely takes a lock while it
 * migrates (a PostgreSQL advisory lock; SQLite's write lock), so two processes starting together do not race;
 * SQLite's "busy" answer is retried. A database whose schema is newer than this code (a migration we do not know)
 * is refused, never downgraded.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  // On PostgreSQL the migration tables live in the connection's current schema (search_path), so that several
  // deployments (or test runs) can share one database without seeing each other's migration state.
  const schema = isPostgres(db) ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s : undefined;
  const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS }, ...(schema ? { migrationTableSchema: schema } : {}) });
  for (let attempt = 0; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    if (!error) return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    const message = error instanceof Error ? error.message : String(error);
    // Two processes creating the migration tables at the same moment: the loser retries and finds them.
    if (/SQLITE_BUSY|database is locked|already exists|duplicate key/i.test(message) && attempt < 50) {
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    if (/missing/i.test(message)) {
      throw new Error(`the database schema is newer than this version of ax (${message}); upgrade ax instead`);
    }
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`migration ${failed ?? ''} failed: ${message}`);
  }
}
