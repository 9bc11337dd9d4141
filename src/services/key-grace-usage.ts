import type { ServiceDeps } from './service-deps.js';
import { addGraceUses, type GraceUsageRecord, graceUsageOf, type PendingGraceUse } from '../store/repositories/key-grace-usage.js';
import type { ApiKeyRow } from '../store/schema.js';

/** Counts are added to the database this often while there are any (never for keys that are not in grace). */
const FLUSH_MS = 1000;
const HOUR_MS = 3_600_000;

const minuteOf = (ms: number) => new Date(ms).toISOString().slice(0, 16);

/**
 * Rotation telemetry (issue 18): every use of a refreshed key during its grace period is counted here, in memory —
 * the request path does no database write — and added to the database in one transaction a second, by every
 * process, so the counts of all processes add up. Keys that are not in grace are never counted.
 */
export class KeyGraceUsage {
  readonly #pending = new Map<number, PendingGraceUse>();

  /** One use of the key in grace `apiKeyId` from `ip` at `atMs`. */
  record(accountId: number, apiKeyId: number, ip: string, atMs: number): void {
    const at = new Date(atMs).toISOString();
    let use = this.#pending.get(apiKeyId);
    if (use === undefined) {
      use = { apiKeyId, accountId, minutes: new Map(), lastUsedAt: at, lastUsedIp: ip };
      this.#pending.set(apiKeyId, use);
    }
    const minute = minuteOf(atMs);
    use.minutes.set(minute, (use.minutes.get(minute) ?? 0) + 1);
    if (at >= use.lastUsedAt) {
      use.lastUsedAt = at;
      use.lastUsedIp = ip;
    }
  }

  /** Adds what was counted since the last flush to the database. */
  async flush(ctx: Pick<ServiceDeps, 'store' | 'clock'>): Promise<void> {
    if (this.#pending.size === 0) return;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    try {
      await addGraceUses(ctx.store.db, pending, minuteOf(ctx.clock.now() - 2 * HOUR_MS));
    } catch (error) {
      // Not lost: counted again with the next flush.
      for (const use of pending) this.#merge(use);
      throw error;
    }
  }

  #merge(use: PendingGraceUse): void {
    const now = this.#pending.get(use.apiKeyId);
    if (now === undefined) {
      this.#pending.set(use.apiKeyId, use);
      return;
    }
    for (const [minute, uses] of use.minutes) now.minutes.set(minute, (now.minutes.get(minute) ?? 0) + uses);
    if (use.lastUsedAt > now.lastUsedAt) Object.assign(now, { lastUsedAt: use.lastUsedAt, lastUsedIp: use.lastUsedIp });
  }
}

/** Flushes the counts every second; the returned function flushes one last time and stops. */
export function startGraceUsageFlush(ctx: ServiceDeps): () => Promise<void> {
  const flush = () => ctx.graceUsage.flush(ctx).catch((error: unknown) => ctx.log.error({ err: error }, 'key grace usage flush failed'));
  const timer = setInterval(() => { void flush(); }, FLUSH_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await flush();
  };
}

/** A key that a refresh replaced and that still works: its grace period runs until its expiry. */
export function inGrace(row: ApiKeyRow, now: string): boolean {
  return row.replaced_by_id !== null && row.status === 'ACTIVE' && row.expires_at !== null && row.expires_at > now;
}

export interface GraceUsage {
  uses: number;
  usesLastHour: number;
  lastUsedAt?: string | undefined;
  lastUsedIp?: string | undefined;
}

/**
 * The grace usage of those of `rows` in grace, by key id (this process's counts flushed first; other processes'
 * arrive within a second). "The last hour" is the current UTC minute and the 59 before it.
 */
export async function graceUsageOfKeys(ctx: ServiceDeps, accountId: number, rows: readonly ApiKeyRow[], now: string): Promise<Map<number, GraceUsage>> {
  const ids = rows.filter((row) => inGrace(row, now)).map((row) => row.id);
  if (ids.length === 0) return new Map();
  await ctx.graceUsage.flush(ctx);
  const recorded = await graceUsageOf(ctx.store.db, accountId, ids, minuteOf(Date.parse(now) - HOUR_MS + 60_000));
  return new Map(ids.map((id) => [id, present(recorded.get(id))]));
}

function present(record: GraceUsageRecord | undefined): GraceUsage {
  if (record === undefined) return { uses: 0, usesLastHour: 0 };
  return { uses: record.uses, usesLastHour: record.usesLastHour, lastUsedAt: record.lastUsedAt, lastUsedIp: record.lastUsedIp };
}
