import { type Kysely, sql } from 'kysely';

/**
 * Issue 8: who controls a service key once its creator leaves, and grants decided on current rights.
 * - `api_keys.root_creator_user_id`: the human at the root of the chain of creators (a key minted by a bot
 *   records the person who created the bot's key), so that removing that person finds every key they made.
 *   Backfilled: the creator itself for keys made by humans, then followed through bots until nothing changes.
 *   Nullable (SQLite cannot add a NOT NULL column without a default): null means the creator is the root.
 * - `accounts.access_version`: bumped by every change that may take rights away; a granting transaction
 *   compares it with the version its access snapshot was built at.
 */
export async function up<DB>(db: Kysely<DB>): Promise<void> {
  await db.schema.alterTable('api_keys').addColumn('root_creator_user_id', 'integer', (c) => c.references('users.id').onDelete('cascade')).execute();
  await sql`update api_keys set root_creator_user_id = created_by_user_id`.execute(db);
  // A chain of bots is as long as keys were minted by bots in turn: a handful at most, bounded anyway.
  for (let depth = 0; depth < 32; depth++) {
    const result = await sql`
      update api_keys set root_creator_user_id = (
        select parent.root_creator_user_id from api_keys parent
        where parent.user_id = api_keys.root_creator_user_id and parent.key_type = 'SERVICE'
        order by parent.id limit 1)
      where root_creator_user_id in (select id from users where is_bot = 1)
        and exists (select 1 from api_keys parent where parent.user_id = api_keys.root_creator_user_id
          and parent.key_type = 'SERVICE' and parent.root_creator_user_id <> api_keys.root_creator_user_id)`.execute(db);
    if (Number(result.numAffectedRows ?? 0n) === 0) break;
  }
  await sql`create index api_keys_root_creator on api_keys (account_id, root_creator_user_id, key_type, status)`.execute(db);
  await db.schema.alterTable('accounts').addColumn('access_version', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are never downgraded');
}
