import type { Kysely } from 'kysely';
import type { Database, UserRow, UserTokensTable } from './schema.js';

type UserTokenKind = UserTokensTable['kind'];

/** A usable token with the user it belongs to. */
export interface UserTokenHolderRow extends Pick<UserRow, 'id' | 'account_id' | 'name' | 'email' | 'role'> {
  token_id: number;
}

/**
 * Invitation and password-reset tokens. Cross-account by nature: a link presents only a token, whose digest finds
 * the user before any account is known; the other queries name the token or user by id.
 */
export class UserTokenRecords {
  constructor(private readonly db: Kysely<Database>) {}

  /** Stores a token, after deleting the user's earlier unused tokens of the kind (they stop working). */
  async replace(values: { userId: number; kind: UserTokenKind; tokenHash: string; expiresAt: string; createdAt: string }): Promise<void> {
    await this.db.deleteFrom('user_tokens').where('user_id', '=', values.userId).where('kind', '=', values.kind).where('used_at', 'is', null).execute();
    await this.db.insertInto('user_tokens').values({
      user_id: values.userId, kind: values.kind, token_hash: values.tokenHash, expires_at: values.expiresAt,
      used_at: null, created_at: values.createdAt,
    }).execute();
  }

  /** The unused, unexpired token of this digest and kind whose user is a live human in `userStatus`. */
  findUsable(tokenHash: string, kind: UserTokenKind, userStatus: UserRow['status'], now: string): Promise<UserTokenHolderRow | undefined> {
    return this.db.selectFrom('user_tokens as t').innerJoin('users as u', 'u.id', 't.user_id')
      .select(['t.id as token_id', 'u.id', 'u.account_id', 'u.name', 'u.email', 'u.role'])
      .where('t.token_hash', '=', tokenHash)
      .where('t.kind', '=', kind)
      .where('t.used_at', 'is', null)
      .where('t.expires_at', '>', now)
      .where('u.deleted_at', 'is', null)
      .where('u.is_bot', '=', 0)
      .where('u.status', '=', userStatus)
      .executeTakeFirst();
  }

  /** Marks the token used; false when it was used (or expired) first. */
  async consume(tokenId: number, now: string): Promise<boolean> {
    const result = await this.db.updateTable('user_tokens').set({ used_at: now }).where('id', '=', tokenId)
      .where('used_at', 'is', null).where('expires_at', '>', now).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
