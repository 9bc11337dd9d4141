import type { Kysely } from 'kysely';
import type { Database, OAuthPayloadRow } from './schema.js';

/** A row as the OAuth server's adapter writes it (ids already digested by the caller). */
export interface OAuthPayloadWrite {
  model: string;
  id: string;
  payload: string;
  grantId: string | null;
  uid: string | null;
  accountId: number | null;
  clientId: string | null;
  createdAt: string;
  expiresAt: string;
}

/** An access token with its user as the user is now (status, role), for authenticating a `/v2` request. */
export interface AccessTokenHolder {
  payload: string;
  expires_at: string;
  grant_id: string | null;
  grant_row_id: number | null;
  grant_last_used_at: string | null;
  user_id: number;
  account_id: number;
  name: string;
  email: string;
  role: Database['users']['role'];
  is_bot: number;
  status: string;
  deleted_at: string | null;
  deactivated_at: string | null;
}

/**
 * The OAuth server's state (`oauth_payloads`), shared by every process: oidc-provider's adapter reads and writes it
 * through this class, the `/v2` authentication reads access tokens from it, and deprovisioning deletes from it.
 * Rows past `expires_at` are treated as absent and swept.
 */
export class OAuthPayloadRecords {
  constructor(private readonly db: Kysely<Database>) {}

  async upsert(row: OAuthPayloadWrite): Promise<void> {
    await this.db.insertInto('oauth_payloads').values({
      model: row.model, id: row.id, payload: row.payload, grant_id: row.grantId, uid: row.uid, account_id: row.accountId,
      client_id: row.clientId, created_at: row.createdAt, expires_at: row.expiresAt, consumed_at: null, last_used_at: null,
    }).onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet({
      payload: row.payload, grant_id: row.grantId, uid: row.uid, account_id: row.accountId, client_id: row.clientId, expires_at: row.expiresAt,
    })).execute();
  }

  find(model: string, id: string, now: string): Promise<OAuthPayloadRow | undefined> {
    return this.db.selectFrom('oauth_payloads').selectAll()
      .where('model', '=', model).where('id', '=', id).where('expires_at', '>', now)
      .executeTakeFirst();
  }

  async consume(model: string, id: string, now: string): Promise<void> {
    await this.db.updateTable('oauth_payloads').set({ consumed_at: now })
      .where('model', '=', model).where('id', '=', id).where('consumed_at', 'is', null).execute();
  }

  async destroy(model: string, id: string): Promise<void> {
    await this.db.deleteFrom('oauth_payloads').where('model', '=', model).where('id', '=', id).execute();
  }

  /** Ends a login: the grant and every code and token issued under it. Returns the user, when there was one. */
  async revokeGrant(grantId: string): Promise<number | null> {
    const grant = await this.db.selectFrom('oauth_payloads').select('account_id')
      .where('model', '=', 'Grant').where('grant_id', '=', grantId).executeTakeFirst();
    await this.db.deleteFrom('oauth_payloads').where('grant_id', '=', grantId).execute();
    return grant?.account_id ?? null;
  }

  /** Ends every CLI login of a user (deleted, deactivated, password reset by an admin). Returns how many logins ended. */
  async deleteForUser(userId: number): Promise<number> {
    const grants = await this.db.selectFrom('oauth_payloads').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', userId).where('model', '=', 'Grant').executeTakeFirstOrThrow();
    await this.db.deleteFrom('oauth_payloads').where('account_id', '=', userId).execute();
    return Number(grants.n);
  }

  /** An unexpired access token (by its digest) with its grant's row and its user's current row. */
  findAccessToken(id: string, now: string): Promise<AccessTokenHolder | undefined> {
    return this.db.selectFrom('oauth_payloads as t')
      .innerJoin('users as u', 'u.id', 't.account_id')
      .leftJoin('oauth_payloads as g', (join) => join.onRef('g.grant_id', '=', 't.grant_id').on('g.model', '=', 'Grant'))
      .select([
        't.payload', 't.expires_at', 't.grant_id', 'g.row_id as grant_row_id', 'g.last_used_at as grant_last_used_at',
        'u.id as user_id', 'u.account_id', 'u.name', 'u.email', 'u.role', 'u.is_bot', 'u.status', 'u.deleted_at', 'u.deactivated_at',
      ])
      .where('t.model', '=', 'AccessToken').where('t.id', '=', id).where('t.expires_at', '>', now)
      .executeTakeFirst();
  }

  /** Records that a login was used (at most once a minute per grant: the caller decides when). */
  async touchGrantById(grantId: string, now: string): Promise<void> {
    await this.db.updateTable('oauth_payloads').set({ last_used_at: now }).where('model', '=', 'Grant').where('grant_id', '=', grantId).execute();
  }

  async deleteExpired(now: string): Promise<number> {
    const result = await this.db.deleteFrom('oauth_payloads').where('expires_at', '<', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
