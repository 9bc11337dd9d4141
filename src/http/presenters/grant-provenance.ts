import { encodeProviderId } from '../../domain/ids.js';
import type { GrantSourceColumn, IdentityProtocol } from '../../store/schema.js';

/** A membership or binding row's provenance columns (the protocol read with it: src/store/grant-provenance.ts). */
export interface ProvenanceRow {
  source: GrantSourceColumn;
  source_idp_id: number | null;
  /** Set on rows read with their provider's protocol; a row just written through /v2 is MANUAL and has none. */
  source_idp_protocol?: IdentityProtocol | null | undefined;
}

/** `source`, and `source_idp_id` (typed by the provider's protocol) when an identity provider's sync wrote the row. */
export function presentProvenance(row: ProvenanceRow): { source: GrantSourceColumn; source_idp_id?: string } {
  if (row.source === 'MANUAL' || row.source_idp_id === null) return { source: row.source };
  return { source: row.source, source_idp_id: encodeProviderId(row.source_idp_protocol ?? 'SAML', row.source_idp_id) };
}
