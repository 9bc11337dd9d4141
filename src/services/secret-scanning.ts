import { createHash, verify } from 'node:crypto';
import { isoNow } from '../domain/clock.js';
import { ApiError } from '../domain/errors.js';
import { encodeId } from '../domain/ids.js';
import type { Principal } from '../domain/principal.js';
import { digestKey, digestsEqual, keyStatus, parseKey, redactKey } from '../keys/index.js';
import { leakedKeyMail } from '../mail/leaked-key-mails.js';
import { ChangeSet } from './mutation.js';
import type { ServiceDeps } from './service-deps.js';
import { retireBotIfKeyless } from './service-key-bots.js';
import { forAccount } from '../store/account-store.js';
import { keyByPublicId, leakRecipients } from '../store/leaked-keys.js';
import type { ApiKeyRow } from '../store/schema.js';

/** One token a scanner found (GitHub's secret-scanning partner format). */
export interface FoundToken {
  token: string;
  type: string;
  url?: string | undefined;
  source?: string | undefined;
}

/** What became of a reported token: never the token itself, only its SHA-256. */
export interface LeakOutcome {
  tokenHash: string;
  tokenType: string;
  /** `true_positive`: a key of this server (live or not); `false_positive`: anything else. */
  label: 'true_positive' | 'false_positive';
  /** The key authenticated until this report (ACTIVE, unexpired). */
  live: boolean;
  /** This report revoked it (a replayed report finds it revoked already). */
  revoked: boolean;
  /** The key's id, only for a reporter of its own account. */
  apiKeyId?: number | undefined;
}

/** Who reported the tokens, for the audit row and the mail. */
export interface LeakReporter {
  /** Shown in the mail: "GitHub secret scanning", or the reporting person. */
  name: string;
  ip: string;
  /** `operation_name` of the audit row. */
  operation: string;
  /** The person reporting with `ax api-keys report-leak`; undefined for a scanner. */
  principal?: Principal | undefined;
}

/**
 * Checks a scanner's request: `signature` (base64 DER ECDSA P-256/SHA-256, GitHub's `Github-Public-Key-Signature`)
 * over the exact body bytes, under the configured public key that `keyId` (`Github-Public-Key-Identifier`) names.
 * 404 when no key is configured (the endpoint is off), 401 for a missing, unknown or failing signature.
 */
export function checkScannerSignature(ctx: ServiceDeps, keyId: string | undefined, signature: string | undefined, body: Buffer): void {
  const keys = ctx.config.secretScanningKeys;
  if (keys.length === 0) throw new ApiError('ROUTE_NOT_FOUND', 'secret scanning reports are not enabled on this server (AX_SECRET_SCANNING_KEYS)');
  if (!keyId || !signature) throw new ApiError('UNAUTHENTICATED', 'Github-Public-Key-Identifier and Github-Public-Key-Signature are required');
  const key = keys.find((k) => k.id === keyId);
  if (!key) throw new ApiError('UNAUTHENTICATED', 'Github-Public-Key-Identifier names no configured secret scanning key');
  let valid = false;
  try {
    valid = verify('sha256', body, key.key, Buffer.from(signature, 'base64'));
  } catch {
    valid = false;
  }
  if (!valid) throw new ApiError('UNAUTHENTICATED', 'Github-Public-Key-Signature does not verify the body under the named key');
}

/**
 * Handles tokens found in public, one after the other (a token twice in a report is revoked once): a key of this
 * server is revoked at once — in one transaction with its audit row, then announced so every process refuses it —
 * and its owner and the account's admins are mailed (best effort, after the commit). Tokens that are not keys of
 * ours (another vendor's, a typo, a made-up key with a valid checksum) are false positives.
 */
export async function handleLeakedTokens(ctx: ServiceDeps, reporter: LeakReporter, tokens: readonly FoundToken[]): Promise<LeakOutcome[]> {
  const outcomes: LeakOutcome[] = [];
  for (const found of tokens) {
    const tokenHash = createHash('sha256').update(found.token, 'utf8').digest('hex');
    const row = await matchingKey(ctx, found.token);
    if (!row) {
      outcomes.push({ tokenHash, tokenType: found.type, label: 'false_positive', live: false, revoked: false });
      continue;
    }
    const now = isoNow(ctx.clock);
    const live = keyStatus(row, now) === 'ACTIVE' && (row.expires_at === null || row.expires_at > now);
    const revoked = row.status === 'ACTIVE' ? await revokeLeaked(ctx, reporter, row, found, now) : false;
    if (revoked) await mailLeak(ctx, reporter, row, found, now);
    const ownAccount = reporter.principal?.accountId === row.account_id;
    outcomes.push({ tokenHash, tokenType: found.type, label: 'true_positive', live, revoked, ...(ownAccount ? { apiKeyId: row.id } : {}) });
  }
  return outcomes;
}

/** The key whose raw form this is, checked by its HMAC digest in constant time; undefined for anything else. */
async function matchingKey(ctx: ServiceDeps, token: string): Promise<ApiKeyRow | undefined> {
  const parsed = parseKey(token);
  if (!parsed) return undefined;
  const row = await keyByPublicId(ctx.store.db, parsed.publicId);
  if (!row || !digestsEqual(row.secret_hash, digestKey(ctx.secrets.keyPepper, token))) return undefined;
  return row;
}

/** Revokes the key with an audit row in its account; false when a concurrent revoke got there first. */
async function revokeLeaked(ctx: ServiceDeps, reporter: LeakReporter, row: ApiKeyRow, found: FoundToken, now: string): Promise<boolean> {
  const changes = new ChangeSet();
  const sameAccount = reporter.principal?.accountId === row.account_id;
  const revoked = await ctx.store.db.transaction().execute(async (trx) => {
    const store = forAccount(trx, row.account_id);
    await store.accessVersion.bump();
    const current = await store.apiKeys.find(row.id);
    if (current?.status !== 'ACTIVE') return false;
    await store.apiKeys.revoke(row.id, now);
    changes.key(row.public_id);
    if (row.key_type === 'SERVICE') await retireBotIfKeyless(trx, row.account_id, row.user_id, now, changes);
    await store.auditLogs.recordMutation({
      // A person of another account who reports the key is not named in this account's log.
      userId: sameAccount ? reporter.principal!.userId : null, ip: reporter.ip, operation: reporter.operation,
      variables: JSON.stringify({
        actor: reporter.principal === undefined ? 'secret_scanning' : sameAccount ? 'leak_report' : 'leak_report:another_account',
        api_key_id: encodeId('ApiKey', row.id), type: found.type, ...(found.url ? { url: found.url } : {}), ...(found.source ? { source: found.source } : {}),
      }),
      at: now,
    });
    await ctx.changes.announceWithin(trx, changes.toChange(row.account_id));
    return true;
  });
  if (revoked) ctx.changes.deliverHere(changes.toChange(row.account_id));
  return revoked;
}

/** The owner (a USER key's user; a SERVICE key's creators) and the account's admins; a failure is logged, never thrown. */
async function mailLeak(ctx: ServiceDeps, reporter: LeakReporter, row: ApiKeyRow, found: FoundToken, revokedAt: string): Promise<void> {
  try {
    const owners = row.key_type === 'USER' ? [row.user_id] : [row.created_by_user_id, ...(row.root_creator_user_id === null ? [] : [row.root_creator_user_id])];
    const recipients = await leakRecipients(ctx.store.db, row.account_id, owners);
    const key = { name: row.name, redactedKey: redactKey(row.public_id, row.last4), keyType: row.key_type };
    const details = { reporter: reporter.name, url: found.url, source: found.source, revokedAt, link: `${ctx.config.publicUrl}/audit-log` };
    const sent = await Promise.allSettled(recipients.map((to) => ctx.mailer.send(leakedKeyMail(to, key, details))));
    for (const [i, outcome] of sent.entries()) {
      if (outcome.status === 'rejected') ctx.log.error({ to: recipients[i]!.email, error: String(outcome.reason) }, 'could not mail about a leaked API key');
    }
  } catch (error) {
    ctx.log.error({ api_key_id: row.id, error: error instanceof Error ? error.message : String(error) }, 'could not mail about a leaked API key');
  }
}
