import { Argument, Command, Option } from 'commander';
import type { AccessReview, AccessReviewGrant, AccessReviewGrantList, AccessReviewList } from '../../client/types.js';
import { accessReviewCsv } from '../../domain/access-review-csv.js';
import { action } from '../action.js';
import { CliError } from '../errors/cli-error.js';
import { printList } from '../list.js';
import { listCommand, serverCommand } from '../options/common.js';
import type { Column } from '../output/printer.js';
import { resolveUserId } from '../resolve/resources.js';

const REVIEW_COLUMNS: readonly Column<AccessReview>[] = [
  { header: 'NAME', value: (r) => r.name, shrinkable: true },
  { header: 'STATUS', value: (r) => r.status },
  { header: 'DECIDED', value: (r) => `${r.decided_count} of ${r.grant_count}` },
  { header: 'REVOKED', value: (r) => String(r.revoked_count) },
  { header: 'CREATED AT', value: (r) => r.created_at },
  { header: 'ID', value: (r) => r.id },
];

const GRANT_COLUMNS: readonly Column<AccessReviewGrant>[] = [
  { header: 'PRINCIPAL', value: (g) => (g.principal_type === 'SERVICE_KEY' ? `${g.principal_name} (service key)` : g.principal_email), shrinkable: true },
  { header: 'GRANT', value: (g) => g.source },
  { header: 'RESOURCE', value: (g) => `${g.resource_type} ${g.resource_name}`, shrinkable: true },
  { header: 'ROLE', value: (g) => g.role_name },
  { header: 'FROM', value: (g) => g.provenance },
  { header: 'DECISION', value: (g) => g.decision ?? '' },
  { header: 'ID', value: (g) => g.id },
];

type DiffRow = AccessReviewGrant & { change: '+' | '-' };
const DIFF_COLUMNS: readonly Column<DiffRow>[] = [{ header: '', value: (g) => g.change }, ...GRANT_COLUMNS.slice(0, 5) as unknown as Column<DiffRow>[]];

export function build(): Command {
  const reviews = new Command('access-reviews');

  serverCommand(reviews, 'create', 'Take an access review: a signed snapshot of every grant of every user and service key (account admins)')
    .argument('<name>', 'the review\'s name, e.g. "2026 Q1"')
    .action(action(async (ctx, name: string) => {
      const review = await ctx.client.accessReviews.create({ name });
      ctx.printer.object(review, { what: 'the review' });
    }));

  listCommand(reviews, 'list', 'List access reviews, newest first')
    .action(action(async (ctx) => {
      await printList<AccessReview, AccessReviewList>(ctx, { key: 'access_reviews', noun: 'access reviews', columns: REVIEW_COLUMNS }, (page) => ctx.client.accessReviews.list(page));
    }));

  serverCommand(reviews, 'get', 'Show an access review and its progress')
    .argument('<review-id>')
    .action(action(async (ctx, reviewId: string) => {
      ctx.printer.object(await ctx.client.accessReviews.get(reviewId), { what: 'the review' });
    }));

  listCommand(reviews, 'grants', 'List a review\'s frozen grants, person by person')
    .argument('<review-id>')
    .addOption(new Option('--decision <decision>', 'only undecided, kept or revoked grants').choices(['undecided', 'keep', 'revoke']))
    .option('--principal <user>', 'only this user\'s grants (id or email)')
    .action(action(async (ctx, reviewId: string) => {
      const opts = ctx.opts<{ decision?: 'undecided' | 'keep' | 'revoke'; principal?: string }>();
      const principalId = opts.principal === undefined ? undefined : await resolveUserId(ctx.client, opts.principal);
      await printList<AccessReviewGrant, AccessReviewGrantList>(ctx, { key: 'grants', noun: 'grants', columns: GRANT_COLUMNS }, (page) =>
        ctx.client.accessReviews.listGrants(reviewId, { ...page, decision: opts.decision, principal_id: principalId }));
    }));

  serverCommand(reviews, 'diff', 'Show the grants added (+) and removed (-) since an earlier review')
    .argument('<review-id>')
    .requiredOption('--against <review-id>', 'the earlier review')
    .action(action(async (ctx, reviewId: string) => {
      const diff = await ctx.client.accessReviews.diff(reviewId, ctx.opts<{ against: string }>().against);
      if (!ctx.printer.isTable) return ctx.printer.object(diff, { what: 'the diff' });
      const rows: DiffRow[] = [...diff.added.map((g) => ({ ...g, change: '+' as const })), ...diff.removed.map((g) => ({ ...g, change: '-' as const }))];
      ctx.printer.list({ response: diff, items: rows, columns: DIFF_COLUMNS, noun: 'changes' });
    }));

  serverCommand(reviews, 'export', 'Write a review as CSV for auditors: one row per grant with its decision (stdout, or -o FILE; -o json for JSON)')
    .argument('<review-id>')
    .addHelpText('after', '\nExamples:\n  ax access-reviews export QWNjZXNzUmV2aWV3OjE= > q1.csv\n  ax access-reviews export QWNjZXNzUmV2aWV3OjE= -o q1.csv')
    .action(action(async (ctx, reviewId: string) => {
      const exported = await ctx.client.accessReviews.export(reviewId);
      const { target } = ctx.printer;
      const asJson = target.kind === 'json' || target.kind === 'yaml';
      if (asJson) return ctx.printer.object(exported, { what: 'the export' });
      ctx.printer.emit(accessReviewCsv(exported.grants), `${exported.grants.length} grants`);
    }));

  serverCommand(reviews, 'decide', 'Keep or revoke a grant of an open review; revoke takes it away at once')
    .argument('<review-id>')
    .argument('<grant-id>')
    .addArgument(new Argument('<decision>', 'keep or revoke').choices(['keep', 'revoke']))
    .option('--note <text>', 'why (kept with the decision and in the audit log)')
    .action(action(async (ctx, reviewId: string, grantId: string, decision: 'keep' | 'revoke') => {
      const note = ctx.opts<{ note?: string }>().note;
      const answer = await ctx.client.accessReviews.decide(reviewId, grantId, { decision, ...(note === undefined ? {} : { note }) });
      if (!ctx.printer.isTable) return ctx.printer.object(answer, { what: 'the decision' });
      const g = answer.grant;
      const what = `${g.source} ${g.role_name} on ${g.resource_type} ${g.resource_name} of ${g.principal_email}`;
      if (answer.outcome === 'kept') ctx.printer.success(`Kept ${what}`);
      else if (answer.outcome === 'already_gone') ctx.printer.success(`Recorded the revocation of ${what}: it was gone already`);
      else {
        const removed = answer.removed;
        const detail = answer.account_role !== undefined ? `; the account role is ${answer.account_role} now`
          : removed ? ` (removed ${removed.organization_memberships} organization memberships, ${removed.space_memberships} space memberships, ${removed.role_bindings} role bindings)` : '';
        ctx.printer.success(`Revoked ${what}${detail}`);
      }
      if (answer.warning) ctx.printer.warn(answer.warning);
    }));

  serverCommand(reviews, 'close', 'Close a review: its decisions become final')
    .argument('<review-id>')
    .action(action(async (ctx, reviewId: string) => {
      const review = await ctx.client.accessReviews.close(reviewId);
      if (!ctx.printer.isTable) return ctx.printer.object(review, { what: 'the review' });
      ctx.printer.success(`Closed ${review.name}: ${review.decided_count} of ${review.grant_count} grants decided, ${review.revoked_count} revoked`);
    }));

  serverCommand(reviews, 'verify', 'Check a review\'s frozen grants against its signed digest; exits 1 when they do not match')
    .argument('<review-id>')
    .action(action(async (ctx, reviewId: string) => {
      const result = await ctx.client.accessReviews.verify(reviewId);
      ctx.printer.object(result, { what: 'the verification' });
      if (!result.valid) throw new CliError(`the review does not hold: ${result.reason ?? 'unknown'}`, { suggestion: 'keep this answer as the record of the tampering; take a new review' });
    }));

  return reviews;
}
