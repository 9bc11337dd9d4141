import { type Kysely, sql } from 'kysely';

/**
 * User tokens by owner: a user's status is EXPIRED while its invitation has no usable token (a per-row
 * subquery of every users list), and issuing a token invalidates the user's earlier ones.
 */
export async function up<DB>(db: Kysely<DB>): Promise<void> {
  await sql`create index user_tokens_user on user_tokens (user_id, kind)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are never downgraded');
}
