import { CompiledQuery, type Kysely } from 'kysely';
import type { AuditLogRow, Database, IdentityProtocol, ScimTokenRow } from '../schema.js';
import { withoutWaiting } from '../sqlite/busy-timeout.js';

/** What a new token row holds (the account and id are the repository's). */
export interface NewScimToken {
  idpId: number;
  publicId: string;
  secretHash: string;
  last4: string;
  name: string;
  createdBy: number;
  expiresAt: string | null;
  now: string;
}

/** What the Provisioning tab shows of a directory's connection, as stored (see services/scim/scim-status.ts). */
export interface ScimActivity {
  lastRequestAt: string | null;
  lastSyncAt: string | null;
  users: number;
  groups: number;
  recentErrors: AuditLogRow[];
}

/**
 * One account's SCIM tokens (identity.md §5.1), each one identity provider's. A revoked token is kept (revoked_at)
 * for the audit trail, but no list shows it.
 */
export class ScimTokenRepository {
  constructor(protected readonly db: Kysely<Database>, protected readonly accountId: number) {}

  #ofProvider(idpId: number) {
    return this.db.selectFrom('scim_tokens').selectAll().where('account_id', '=', this.accountId).where('idp_id', '=', idpId);
  }

  insert(token: NewScimToken): Promise<ScimTokenRow> {
    return this.db.insertInto('scim_tokens').values({
      account_id: this.accountId, idp_id: token.idpId, public_id: token.publicId, secret_hash: token.secretHash, last4: token.last4,
      name: token.name, created_by_user_id: token.createdBy, created_at: token.now, expires_at: token.expiresAt, last_used_at: null, revoked_at: null,
    }).returningAll().executeTakeFirstOrThrow();
  }

  /** The provider's tokens not revoked (expired ones included: the admin sees them and deletes them), by id after `after`. */
  list(idpId: number, options: { after?: number | undefined; limit: number }): Promise<ScimTokenRow[]> {
    let q = this.#ofProvider(idpId).where('revoked_at', 'is', null);
    if (options.after !== undefined) q = q.where('id', '>', options.after);
    return q.orderBy('id').limit(options.limit).execute();
  }

  /** A token of the provider, revoked or not. */
  find(idpId: number, id: number): Promise<ScimTokenRow | undefined> {
    return this.#ofProvider(idpId).where('id', '=', id).executeTakeFirst();
  }

  /** Tokens of the provider that still authenticate at `now` (neither revoked nor expired). */
  async countLive(idpId: number, now: string): Promise<number> {
    const row = await this.db.selectFrom('scim_tokens').select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('account_id', '=', this.accountId).where('idp_id', '=', idpId).where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Revokes the token unless it already is (idempotent). */
  async revoke(id: number, now: string): Promise<void> {
    await this.db.updateTable('scim_tokens').set({ revoked_at: now })
      .where('id', '=', id).where('account_id', '=', this.accountId).where('revoked_at', 'is', null).execute();
  }

  /**
   * The directory's activity: the last request any of its tokens made, the last group sync and the latest errors
   * (the audit rows the SCIM services write under these operation names), and how many users it manages (live users
   * whose link to it says `provisioned_by_scim`) and groups it pushed.
   */
  async activity(idpId: number, audits: { syncOperation: string; errorOperation: string; errorLimit: number }): Promise<ScimActivity> {
    const [used, sync, users, groups, recentErrors] = await Promise.all([
      this.db.selectFrom('scim_tokens').select((eb) => eb.fn.max('last_used_at').as('at'))
        .where('account_id', '=', this.accountId).where('idp_id', '=', idpId).executeTakeFirst(),
      this.#audits(audits.syncOperation).select('created_at').limit(1).executeTakeFirst(),
      this.db.selectFrom('user_identities as i').innerJoin('users as u', 'u.id', 'i.user_id')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('i.idp_id', '=', idpId).where('i.provisioned_by_scim', '=', 1)
        .where('u.account_id', '=', this.accountId).where('u.deleted_at', 'is', null).executeTakeFirstOrThrow(),
      this.db.selectFrom('scim_groups').select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('account_id', '=', this.accountId).where('idp_id', '=', idpId).executeTakeFirstOrThrow(),
      this.#audits(audits.errorOperation).selectAll().limit(audits.errorLimit).execute(),
    ]);
    return {
      lastRequestAt: used?.at ?? null, lastSyncAt: sync?.created_at ?? null, users: Number(users.n), groups: Number(groups.n), recentErrors,
    };
  }

  #audits(operation: string) {
    return this.db.selectFrom('audit_logs').where('account_id', '=', this.accountId).where('operation_name', '=', operation).orderBy('id', 'desc');
  }
}

/** A token as the verifier needs it, with its provider's standing. */
export interface ScimTokenRecord {
  token_id: number;
  account_id: number;
  idp_id: number;
  secret_hash: string;
  expires_at: string | null;
  revoked_at: string | null;
  protocol: IdentityProtocol;
  idp_enabled: number;
  idp_deleted_at: string | null;
}

/**
 * The queries of the SCIM token verifier (services/scim/scim-token-verifier.ts): by public id, before any account is
 * known, so not filtered by one.
 */
export class ScimTokenRecords {
  /** The lookup, compiled once for this database's dialect. */
  readonly #lookupSql: string;

  constructor(private readonly db: Kysely<Database>) {
    this.#lookupSql = db.selectFrom('scim_tokens as t').innerJoin('identity_providers as p', 'p.id', 't.idp_id')
      .select(['t.id as token_id', 't.account_id', 't.idp_id', 't.secret_hash', 't.expires_at', 't.revoked_at', 'p.protocol',
        'p.enabled as idp_enabled', 'p.deleted_at as idp_deleted_at'])
      .where('t.public_id', '=', '')
      .compile().sql;
  }

  async find(publicId: string): Promise<ScimTokenRecord | undefined> {
    const { rows } = await this.db.executeQuery<ScimTokenRecord>(CompiledQuery.raw(this.#lookupSql, [publicId]));
    return rows[0];
  }

  /** Fails at once, rather than waiting, while another process holds SQLite's write lock (the caller retries later). */
  async touch(tokenId: number, at: string): Promise<void> {
    await withoutWaiting(this.db, (db) => db.updateTable('scim_tokens').set({ last_used_at: at }).where('id', '=', tokenId).execute());
  }
}
