import type { Segment } from '../lib/audit-entries.js';
import { Link } from '../lib/router.js';

/** An audit entry's sentence, with the actor and target linked to their pages. */
export function AuditSentence({ segments }: { segments: readonly Segment[] }) {
  return (
    <span className="audit-sentence">
      {segments.map((s, i) =>
        typeof s === 'string' ? (
          s
        ) : s.to ? (
          <Link key={i} to={s.to} className="strong">
            {s.text}
          </Link>
        ) : (
          <strong key={i}>{s.text}</strong>
        ),
      )}
    </span>
  );
}
