import { useMemo, useState, type FormEvent } from 'react';
import type { AccessReview, AccessReviewDiff, AccessReviewGrant } from '../../../../src/client/types.js';
import { Alert, ErrorAlert } from '../../components/Alert.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { Field } from '../../components/Field.js';
import { AccountAdminsOnly } from '../../components/NotAllowed.js';
import { PageHeader, Section } from '../../components/PageHeader.js';
import { LoadMore, Table, type Column } from '../../components/Table.js';
import { useToast } from '../../components/Toast.js';
import { api, listAll, page } from '../../lib/api.js';
import { formatDateTime } from '../../lib/format.js';
import { useAsync, usePaged } from '../../lib/hooks.js';
import { setQuery, useLocation } from '../../lib/router.js';

const TITLE = 'Access reviews';

const SOURCE_LABEL: Record<AccessReviewGrant['source'], string> = {
  ACCOUNT_ROLE: 'Account role', ORGANIZATION_MEMBERSHIP: 'Organization member', SPACE_MEMBERSHIP: 'Space member', ROLE_BINDING: 'Role binding',
};

/** What revoking the grant takes away, in the words of the removal it runs (docs/access-reviews.md). */
function revokeEffect(g: AccessReviewGrant): string {
  switch (g.source) {
    case 'ACCOUNT_ROLE': return g.role_name === 'ADMIN' ? 'The account role goes down to MEMBER.' : 'The account role goes down to ANNOTATOR.';
    case 'ORGANIZATION_MEMBERSHIP': return `Removes ${g.principal_email} from ${g.resource_name}, and with it from every space of the organization and the role bindings there.`;
    case 'SPACE_MEMBERSHIP': return `Removes ${g.principal_email} from ${g.resource_name} and the role bindings on the space and its projects.`;
    case 'ROLE_BINDING': return `Deletes the ${g.role_name} role binding on ${g.resource_type.toLowerCase()} ${g.resource_name}.`;
  }
}

function grantText(g: AccessReviewGrant): string {
  return `${SOURCE_LABEL[g.source]} · ${g.role_name} on ${g.resource_type.toLowerCase()} ${g.resource_name}`;
}

/** Access reviews (account admins): take one, decide each grant, compare with an earlier one, export CSV. */
export function AccessReviewsPage() {
  return (
    <AccountAdminsOnly title={TITLE} why="Access reviews are for account admins.">
      <ReviewsView />
    </AccountAdminsOnly>
  );
}

function ReviewsView() {
  const { query } = useLocation();
  const selected = query.get('review') ?? undefined;
  const reviews = usePaged((cursor) => page(api.accessReviews.list({ cursor }), 'access_reviews'), []);
  const toast = useToast();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  async function create(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const review = await api.accessReviews.create({ name: name.trim() });
      setName('');
      toast(`Took the review ${review.name}: ${review.grant_count} grants`);
      reviews.reload();
      setQuery({ review: review.id });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const columns: Column<AccessReview>[] = [
    { header: 'Name', cell: (r) => <a href={`?review=${encodeURIComponent(r.id)}`} onClick={(e) => { e.preventDefault(); setQuery({ review: r.id }); }}>{r.name}</a> },
    { header: 'Status', cell: (r) => r.status },
    { header: 'Decided', cell: (r) => `${r.decided_count} of ${r.grant_count}` },
    { header: 'Taken', cell: (r) => formatDateTime(r.created_at) },
  ];

  return (
    <>
      <PageHeader title={TITLE} />
      <Section title="Take a review" description="A signed snapshot of every grant of every user and service key, to keep or revoke one by one.">
        <form className="inline-form" onSubmit={create}>
          <Field label="Review name">{(control) => <input {...control} value={name} required onChange={(e) => setName(e.target.value)} placeholder="2026 Q1" />}</Field>
          <button type="submit" className="btn btn-primary" disabled={busy || name.trim() === ''}>{busy ? 'Taking…' : 'Take review'}</button>
        </form>
        {error !== undefined && <ErrorAlert error={error} />}
      </Section>
      <Section title="Reviews">
        {reviews.error !== undefined && <ErrorAlert error={reviews.error} />}
        <Table caption="Access reviews" columns={columns} rows={reviews.items} rowKey={(r) => r.id} loading={reviews.loading} empty="No review yet." />
        <LoadMore hasMore={reviews.hasMore} loading={reviews.loading} onClick={reviews.loadMore} />
      </Section>
      {selected && <ReviewDetail key={selected} reviewId={selected} earlier={reviews.items.filter((r) => r.id !== selected)} onChange={reviews.reload} />}
    </>
  );
}

function ReviewDetail({ reviewId, earlier, onChange }: { reviewId: string; earlier: AccessReview[]; onChange: () => void }) {
  const review = useAsync(() => api.accessReviews.get(reviewId), [reviewId]);
  const grants = useAsync(() => listAll((cursor) => page(api.accessReviews.listGrants(reviewId, { limit: 100, cursor }), 'grants'), 100_000), [reviewId]);
  const [revoking, setRevoking] = useState<AccessReviewGrant>();
  const [against, setAgainst] = useState('');
  const [diff, setDiff] = useState<AccessReviewDiff>();
  const [diffError, setDiffError] = useState<unknown>();
  const [decideError, setDecideError] = useState<unknown>();
  const toast = useToast();

  const people = useMemo(() => {
    const byPerson = new Map<string, AccessReviewGrant[]>();
    for (const g of grants.data ?? []) byPerson.set(g.principal_id, [...(byPerson.get(g.principal_id) ?? []), g]);
    return [...byPerson.values()];
  }, [grants.data]);

  if (review.error !== undefined) return <ErrorAlert error={review.error} />;
  if (!review.data) return <p aria-busy="true">Loading the review…</p>;
  const r = review.data;
  const open = r.status === 'open';

  /** Records the decision (a refusal is thrown: the revoke dialog shows it in place). */
  async function decide(g: AccessReviewGrant, decision: 'keep' | 'revoke') {
    setDecideError(undefined);
    const answer = await api.accessReviews.decide(reviewId, g.id, { decision });
    const said = answer.outcome === 'kept' ? 'Kept' : answer.outcome === 'already_gone' ? 'Recorded (it was gone already):' : 'Revoked';
    toast(`${said} ${grantText(g)} of ${g.principal_email}${answer.warning ? `. ${answer.warning}` : ''}`);
    review.reload();
    grants.reload();
    onChange();
  }

  async function compare(event: FormEvent) {
    event.preventDefault();
    setDiffError(undefined);
    try {
      setDiff(await api.accessReviews.diff(reviewId, against));
    } catch (e) {
      setDiffError(e);
    }
  }

  const progress = `${r.decided_count} of ${r.grant_count} decided`;
  return (
    <Section
      title={`Review: ${r.name}`}
      description={`${r.status === 'open' ? 'Open' : 'Closed'} · taken ${formatDateTime(r.created_at)} · signed with key ${r.key_id}`}
      actions={<a className="btn" href={`/v2/access-reviews/${encodeURIComponent(reviewId)}/export`} download>Export CSV</a>}
    >
      <p>
        <progress max={r.grant_count} value={r.decided_count} aria-label="Decided grants" /> {progress} ({r.kept_count} kept, {r.revoked_count} revoked)
      </p>
      {decideError !== undefined && <ErrorAlert error={decideError} title="The decision was not recorded" />}
      {grants.error !== undefined && <ErrorAlert error={grants.error} />}
      {people.map((list) => (
        <div key={list[0]!.principal_id} className="review-person">
          <h3>{list[0]!.principal_type === 'SERVICE_KEY' ? `${list[0]!.principal_name} (service key)` : `${list[0]!.principal_name} <${list[0]!.principal_email}>`}</h3>
          <ul>
            {list.map((g) => (
              <li key={g.id}>
                <span>{grantText(g)}</span>
                {g.provenance !== 'MANUAL' && <span className="badge"> from {g.provenance}</span>}
                {g.expires_at && <span> · until {formatDateTime(g.expires_at)}</span>}
                {g.decision ? <strong> · {g.outcome === 'already_gone' ? 'revoked (was gone)' : g.decision === 'keep' ? 'kept' : 'revoked'}</strong> : null}
                {open && g.decision !== 'revoke' && (
                  <span className="row-actions">
                    {g.decision !== 'keep' && <button type="button" className="btn btn-small" onClick={() => void decide(g, 'keep').catch(setDecideError)} aria-label={`Keep ${grantText(g)} of ${g.principal_email}`}>Keep</button>}
                    <button type="button" className="btn btn-small btn-danger-outline" onClick={() => setRevoking(g)} aria-label={`Revoke ${grantText(g)} of ${g.principal_email}`}>Revoke</button>
                  </span>
                )}
              </li>
            ))}
          </ul>
        </div>
      ))}
      {open && (
        <button type="button" className="btn" onClick={() => void api.accessReviews.close(reviewId).then(() => { review.reload(); onChange(); }, setDecideError)}>Close review</button>
      )}
      <h3>Compare with an earlier review</h3>
      <form className="inline-form" onSubmit={compare}>
        <Field label="Earlier review">
          {(control) => (
            <select {...control} value={against} onChange={(e) => setAgainst(e.target.value)} required>
              <option value="">Choose…</option>
              {earlier.map((e) => <option key={e.id} value={e.id}>{e.name} ({formatDateTime(e.created_at)})</option>)}
            </select>
          )}
        </Field>
        <button type="submit" className="btn" disabled={against === ''}>Compare</button>
      </form>
      {diffError !== undefined && <ErrorAlert error={diffError} />}
      {diff && (
        diff.added.length + diff.removed.length === 0 ? <Alert>No grant was added or removed between the two reviews.</Alert> : (
          <ul aria-label="Changes since the earlier review">
            {diff.added.map((g) => <li key={`+${g.id}`}>Added: {g.principal_email} · {grantText(g)}</li>)}
            {diff.removed.map((g) => <li key={`-${g.id}`}>Removed: {g.principal_email} · {grantText(g)}</li>)}
          </ul>
        )
      )}
      {revoking && (
        <ConfirmDialog
          title="Revoke this grant?"
          confirmLabel="Revoke"
          danger
          onClose={() => setRevoking(undefined)}
          onConfirm={() => decide(revoking, 'revoke')}
        >
          <p>{grantText(revoking)} of {revoking.principal_email}.</p>
          <p>{revokeEffect(revoking)} This takes effect at once.</p>
          {revoking.provenance !== 'MANUAL' && <p>An identity provider's {revoking.provenance} sync wrote this grant: its next sync may give it back unless its role mappings change too.</p>}
        </ConfirmDialog>
      )}
    </Section>
  );
}

