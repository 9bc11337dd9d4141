import { sql } from 'kysely';
import type { IdentityProtocol } from './schema.js';

/**
 * The protocol of the identity provider that wrote a membership or binding (`source_idp_protocol`; null for a MANUAL
 * row), as a column of the select that reads the row: the wire names the provider with a protocol-typed id.
 */
export function sourceProtocol(sourceIdpColumn: string) {
  return sql<IdentityProtocol | null>`(select p.protocol from identity_providers p where p.id = ${sql.ref(sourceIdpColumn)})`.as('source_idp_protocol');
}
