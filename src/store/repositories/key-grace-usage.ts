import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** Uses of one key in grace counted by a process since its last flush. */
export interface PendingGraceUse {
  apiKeyId: number;
  accountId: number;
  /** Uses per UTC minute (`YYYY-MM-DDTHH:MM`). */
  minutes: Map<string, number>;
  lastUsedAt: string;
  lastUsedIp: string;
}

/** What the store knows of a key's uses during its grace period. */
export interface GraceUsageRecord {
  uses: number;
  usesLastHour: number;
  lastUsedAt: string;
  lastUsedIp: string;
}

/**
 * Adds a process's counts (one transaction): each key's total and last use, and its per-minute counts; the other
 * processes' counts add up in the same rows. Minutes before `pruneBefore` go.
 */
export async function addGraceUses(db: Kysely<Database>, pending: readonly PendingGraceUse[], pruneBefore: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const use of pending) {
      let total = 0;
      for (const [minute, uses] of use.minutes) {
        total += uses;
        await trx.insertInto('api_key_grace_minutes').values({ api_key_id: use.apiKeyId, minute, uses })
          .onConflict((oc) => oc.columns(['api_key_id', 'minute']).doUpdateSet((eb) => ({ uses: eb('api_key_grace_minutes.uses', '+', eb.ref('excluded.uses')) })))
          .execute();
      }
      await trx.insertInto('api_key_grace_usage')
        .values({ api_key_id: use.apiKeyId, account_id: use.accountId, uses: total, last_used_at: use.lastUsedAt, last_used_ip: use.lastUsedIp })
        .onConflict((oc) => oc.column('api_key_id').doUpdateSet((eb) => {
          const later = eb('excluded.last_used_at', '>', eb.ref('api_key_grace_usage.last_used_at'));
          return {
            uses: eb('api_key_grace_usage.uses', '+', eb.ref('excluded.uses')),
            last_used_at: eb.case().when(later).then(eb.ref('excluded.last_used_at')).else(eb.ref('api_key_grace_usage.last_used_at')).end(),
            last_used_ip: eb.case().when(later).then(eb.ref('excluded.last_used_ip')).else(eb.ref('api_key_grace_usage.last_used_ip')).end(),
          };
        }))
        .execute();
    }
    await trx.deleteFrom('api_key_grace_minutes').where('minute', '<', pruneBefore).execute();
  });
}

/** The recorded grace usage of the account's keys among `ids`, with the uses of the minutes from `sinceMinute` on. */
export async function graceUsageOf(db: Kysely<Database>, accountId: number, ids: readonly number[], sinceMinute: string): Promise<Map<number, GraceUsageRecord>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('api_key_grace_usage as g')
    .select((eb) => [
      'g.api_key_id', 'g.uses', 'g.last_used_at', 'g.last_used_ip',
      eb.fn.coalesce(
        eb.selectFrom('api_key_grace_minutes as m').select((e) => e.fn.sum<number>('m.uses').as('s'))
          .whereRef('m.api_key_id', '=', 'g.api_key_id').where('m.minute', '>=', sinceMinute),
        eb.lit(0),
      ).as('last_hour'),
    ])
    .where('g.account_id', '=', accountId).where('g.api_key_id', 'in', ids).execute();
  return new Map(rows.map((r) => [Number(r.api_key_id), {
    uses: Number(r.uses), usesLastHour: Number(r.last_hour), lastUsedAt: r.last_used_at, lastUsedIp: r.last_used_ip,
  }]));
}
