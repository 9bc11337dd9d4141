import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** The SAML replay guard every process shares: an assertion id is accepted once per provider until it expires. */
export class SeenAssertionRecords {
  constructor(private readonly db: Kysely<Database>) {}

  /** Remembers the assertion; false when it was seen already (the unique key decides, across processes). */
  async remember(idpId: number, assertionId: string, expiresAt: string): Promise<boolean> {
    const inserted = await this.db.insertInto('saml_assertions_seen')
      .values({ idp_id: idpId, assertion_id: assertionId, expires_at: expiresAt })
      .onConflict((oc) => oc.columns(['idp_id', 'assertion_id']).doNothing())
      .returning('assertion_id')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  async deleteExpired(now: string): Promise<number> {
    const result = await this.db.deleteFrom('saml_assertions_seen').where('expires_at', '<', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
