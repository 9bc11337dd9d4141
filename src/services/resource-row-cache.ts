/** Rows kept per account at most; past it the account's rows are dropped and read again as asked for. */
const MAX_ROWS_PER_ACCOUNT = 20_000;

interface AccountRows {
  /** Bumped by every change to the account: a read that began before it must not store what it read. */
  generation: number;
  rows: Map<string, object>;
}

/**
 * The organization, space and project rows that `GET /v2/{organizations|spaces|projects}/{id}` answers with (and
 * whether the account has a live identity provider: deprovisioning.ts's hasLiveProvider), kept
 * per account and dropped whenever the change feed says the account changed (any mutation, in any process), exactly
 * as the access snapshot that decides whether the caller may see them is. The primary-key read it saves was most of
 * the route's own cost (issue 13: ~45 µs of CPU a request under load, beside ~40 µs for all of Fastify's work).
 * A process sees another's change once its notification arrives, as it does for every access decision.
 */
export class ResourceRowCache {
  readonly #accounts = new Map<number, AccountRows>();

  /** The cached row, else `load`'s, kept unless the account changed while it was read. Returned rows are shared: never mutate them. */
  async read<Row extends object>(accountId: number, key: string, load: () => Promise<Row | undefined>): Promise<Row | undefined> {
    const account = this.#account(accountId);
    const cached = account.rows.get(key);
    if (cached) return cached as Row;
    const generation = account.generation;
    const row = await load();
    if (row && account.generation === generation) {
      if (account.rows.size >= MAX_ROWS_PER_ACCOUNT) account.rows.clear();
      account.rows.set(key, row);
    }
    return row;
  }

  /** The cached row, without a promise; undefined when read() would load it. A shared row: never mutate it. */
  cached<Row extends object>(accountId: number, key: string): Row | undefined {
    return this.#accounts.get(accountId)?.rows.get(key) as Row | undefined;
  }

  invalidate(accountId: number): void {
    const account = this.#accounts.get(accountId);
    if (!account) return;
    account.generation++;
    account.rows.clear();
  }

  invalidateAll(): void {
    for (const id of this.#accounts.keys()) this.invalidate(id);
  }

  #account(accountId: number): AccountRows {
    let account = this.#accounts.get(accountId);
    if (!account) {
      account = { generation: 0, rows: new Map() };
      this.#accounts.set(accountId, account);
    }
    return account;
  }
}
