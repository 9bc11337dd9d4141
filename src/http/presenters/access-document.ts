import type { DocumentOutcome } from '../../services/access-as-code/access-documents.js';
import { presentAccessPreview } from './access-preview.js';

/** A plan's or an apply's operations, as the wire says them (AccessOperation), and the rights they move. */
export function presentDocumentOutcome<D extends boolean>(outcome: DocumentOutcome, dryRun: D) {
  const { dry_run: _, ...preview } = presentAccessPreview(outcome.preview);
  return {
    operations: outcome.operations.map((op) => ({
      action: op.action, kind: op.kind, target: op.target, ...(op.user === undefined ? {} : { user: op.user }), ...(op.detail === undefined ? {} : { detail: op.detail }),
    })),
    dry_run: dryRun,
    ...preview,
  };
}
