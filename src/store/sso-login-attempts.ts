import type { Kysely } from 'kysely';
import type { Database, IdentityProtocol, SsoLoginAttemptRow } from './schema.js';

/** What a started login records (identity.md §1.2): what to check when the provider answers. */
export interface NewLoginAttempt {
  id: string;
  idpId: number;
  protocol: IdentityProtocol;
  requestId?: string | null;
  stateHash?: string | null;
  nonce?: string | null;
  codeVerifier?: string | null;
  browserBindingHash: string | null;
  returnTo: string;
  createdAt: string;
  expiresAt: string;
  /** Set for an IdP-initiated SAML login, whose attempt the ACS creates already consumed. */
  consumedAt?: string | null;
}

/**
 * SSO login attempts. Cross-account by nature: a provider's answer names only the attempt (InResponseTo, state,
 * RelayState), which finds the provider and with it the account. Every state change is one conditional UPDATE whose
 * affected-row count says whether this process won, so any process may finish any login, and only once.
 */
export class LoginAttemptRecords {
  constructor(private readonly db: Kysely<Database>) {}

  async create(a: NewLoginAttempt): Promise<void> {
    await this.db.insertInto('sso_login_attempts').values({
      id: a.id, idp_id: a.idpId, protocol: a.protocol, request_id: a.requestId ?? null, state_hash: a.stateHash ?? null,
      nonce: a.nonce ?? null, code_verifier: a.codeVerifier ?? null, browser_binding_hash: a.browserBindingHash,
      return_to: a.returnTo, result: null, created_at: a.createdAt, expires_at: a.expiresAt, consumed_at: a.consumedAt ?? null,
      completed_at: null,
    }).execute();
  }

  findById(id: string): Promise<SsoLoginAttemptRow | undefined> {
    return this.db.selectFrom('sso_login_attempts').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findByRequestId(requestId: string): Promise<SsoLoginAttemptRow | undefined> {
    return this.db.selectFrom('sso_login_attempts').selectAll().where('request_id', '=', requestId).executeTakeFirst();
  }

  findByStateHash(stateHash: string): Promise<SsoLoginAttemptRow | undefined> {
    return this.db.selectFrom('sso_login_attempts').selectAll().where('state_hash', '=', stateHash).executeTakeFirst();
  }

  /** Marks the attempt consumed if it is neither consumed nor expired; true when this call did it. */
  async consume(id: string, now: string): Promise<boolean> {
    const result = await this.db.updateTable('sso_login_attempts').set({ consumed_at: now })
      .where('id', '=', id).where('consumed_at', 'is', null).where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** The verified identity (JSON) between the ACS and the completion. */
  async storeResult(id: string, result: string): Promise<void> {
    await this.db.updateTable('sso_login_attempts').set({ result }).where('id', '=', id).execute();
  }

  /** Marks a consumed attempt with a result completed if it is not yet, and unexpired; true when this call did it. */
  async complete(id: string, now: string): Promise<boolean> {
    const result = await this.db.updateTable('sso_login_attempts').set({ completed_at: now })
      .where('id', '=', id).where('completed_at', 'is', null).where('consumed_at', 'is not', null)
      .where('result', 'is not', null).where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** The sweeper: attempts past their expiry are of no use to anyone. */
  async deleteExpired(now: string): Promise<number> {
    const result = await this.db.deleteFrom('sso_login_attempts').where('expires_at', '<', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
