import { type Kysely, sql } from 'kysely';
import type { DialectName } from '../../src/store/dialect.js';
import type { Database } from '../../src/store/schema.js';
import { userPayload } from './directory-payloads.js';

/** Rows per insert: under SQLite's 32,766 bound parameters for both tables' column counts. */
const BATCH = 2_000;

/**
 * Writes `count` people of a directory straight into the store, as B7 seeds its 100 000 users (through `/scim/v2` they
 * would take B13-scim-sync over an hour): person i is B13-scim-sync's `user<i>@example.com`, an ACTIVE MEMBER linked to
 * the SAML provider `idpId` as its POST /Users links one — provisioned_by_scim = 1, the email as subject, userName,
 * externalId `ext-<i>` and the attributes POST /Users keeps of that payload. PostgreSQL then analyzes, as autovacuum
 * does after an initial sync: it plans by statistics, and a table it believes empty gets plans no deployment runs.
 */
export async function seedDirectoryUsers(
  db: Kysely<Database>, dialect: DialectName, directory: { accountId: number; idpId: number; count: number },
): Promise<void> {
  const now = new Date().toISOString();
  for (let start = 0; start < directory.count; start += BATCH) {
    const people = Array.from({ length: Math.min(BATCH, directory.count - start) }, (_, k) => {
      const { schemas: _schemas, userName, externalId, active: _active, ...attributes } = JSON.parse(userPayload(start + k)) as {
        schemas: string[]; userName: string; externalId: string; active: boolean; displayName: string;
      };
      return { userName, externalId, name: attributes.displayName, attributes: JSON.stringify(attributes) };
    });
    const ids = await db.insertInto('users').values(people.map((p) => ({
      account_id: directory.accountId, name: p.name, email: p.userName, email_lower: p.userName, role: 'MEMBER' as const, status: 'ACTIVE' as const,
      is_developer: 1, is_bot: 0, password_hash: null, must_change_password: 0, deleted_at: null, created_at: now, updated_at: now,
    }))).returning('id').execute();
    await db.insertInto('user_identities').values(ids.map((row, k) => ({
      idp_id: directory.idpId, subject: people[k]!.userName, user_id: row.id, provisioned_by_scim: 1, last_login_at: null, last_attributes: null,
      created_at: now, scim_external_id: people[k]!.externalId, scim_user_name: people[k]!.userName, scim_user_name_key: people[k]!.userName,
      scim_attributes: people[k]!.attributes, scim_updated_at: now,
    }))).execute();
  }
  if (dialect === 'postgres') await sql`analyze`.execute(db);
}
