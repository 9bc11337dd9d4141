/** Marks a free slot of the dense columns (a user id never takes this value there). */
const FREE = -0x80000000;
/** In the next column: the next binding's id is not an Int32 (or is this value), and is kept in a Map instead. */
const FAR = -0x80000000;
/** The dense columns may span up to this many slots per binding held (plus SLACK) before an id goes sparse. */
const DENSITY = 4;
const SLACK = 1024;

interface SparseBinding {
  userId: number;
  roleId: number;
  key: number;
  next: number;
}

/**
 * @internal Every role binding of a snapshot by id: its user, role and cell key, and the next binding of the same
 * user. Each user's bindings form a ring in the order they were added: the user keeps only the last one's id, whose
 * next is the first. Binding ids come from one database sequence, so an account's ids are mostly dense: they
 * index four Int32 columns directly, 16 bytes a binding where a Map entry and an object cost about 100, and a
 * user's own array of its bindings about 20 more. An id far from the others, or a value outside Int32, goes to a
 * Map instead; lookups try the columns first, then the Map, and an id is never in both.
 */
export class BindingTable {
  /** The id of the columns' slot 0. */
  private base = 0;
  private userIds = new Int32Array(0);
  private roleIds = new Int32Array(0);
  private keys = new Int32Array(0);
  private nexts = new Int32Array(0);
  private readonly sparse = new Map<number, SparseBinding>();
  /** The next binding of a binding in the columns whose next column says FAR. */
  private readonly farNexts = new Map<number, number>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Sizes the columns for a build's ids in [minId, maxId], if they are dense enough, with room to grow. */
  reserve(minId: number, maxId: number, count: number): void {
    const span = maxId - minId + 1;
    if (this.count > 0 || !Number.isSafeInteger(minId) || !Number.isSafeInteger(maxId) || span > DENSITY * count + SLACK) return;
    this.resize(minId, span + (span >>> 4) + SLACK);
  }

  has(id: number): boolean {
    return this.slot(id) >= 0 || this.sparse.has(id);
  }

  /** The binding's user, or undefined for an unknown id. */
  userOf(id: number): number | undefined {
    const i = this.slot(id);
    return i >= 0 ? this.userIds[i]! : this.sparse.get(id)?.userId;
  }

  /** The binding's role; the id must be known. */
  roleOf(id: number): number {
    const i = this.slot(id);
    return i >= 0 ? this.roleIds[i]! : this.sparse.get(id)!.roleId;
  }

  /** The key of the binding's cell; the id must be known. */
  keyOf(id: number): number {
    const i = this.slot(id);
    return i >= 0 ? this.keys[i]! : this.sparse.get(id)!.key;
  }

  /**
   * Records a binding whose id is not held, at the end of its user's ring, `last` being the ring's last binding
   * (undefined: the user has none). The binding is then the ring's last.
   */
  append(last: number | undefined, id: number, userId: number, roleId: number, key: number): void {
    this.count++;
    const next = last === undefined ? id : this.nextOf(last);
    if (isInt32(userId) && userId !== FREE && isInt32(roleId) && isInt32(key) && this.cover(id)) {
      const i = id - this.base;
      this.userIds[i] = userId;
      this.roleIds[i] = roleId;
      this.keys[i] = key;
      this.setNext(id, next);
    } else {
      this.sparse.set(id, { userId, roleId, key, next });
    }
    if (last !== undefined) this.setNext(last, id);
  }

  /** Calls `visit` with each binding of the ring ending at `last`, in order, until it answers true; answers whether it did. */
  some(last: number | undefined, visit: (id: number, key: number) => boolean): boolean {
    if (last === undefined) return false;
    let id = last;
    do {
      id = this.nextOf(id);
      if (visit(id, this.keyOf(id))) return true;
    } while (id !== last);
    return false;
  }

  /**
   * The bindings of the ring ending at `last` whose cell key is `key`, in order, as (id, role) pairs; undefined when
   * none. A loop of its own, not `forEach`: explain() asks it twice per call, and two closures per binding made
   * explanations ~40 % slower than when each cell kept its own list.
   */
  pairsIn(last: number | undefined, key: number): number[] | undefined {
    if (last === undefined) return undefined;
    let pairs: number[] | undefined;
    let id = last;
    do {
      id = this.nextOf(id);
      const i = this.slot(id);
      if (i >= 0) {
        if (this.keys[i] === key) (pairs ??= []).push(id, this.roleIds[i]!);
      } else {
        const binding = this.sparse.get(id)!;
        if (binding.key === key) (pairs ??= []).push(id, binding.roleId);
      }
    } while (id !== last);
    return pairs;
  }

  /** Calls `visit` with each binding of the ring ending at `last`, in order. */
  forEach(last: number | undefined, visit: (id: number, key: number) => void): void {
    this.some(last, (id, key) => {
      visit(id, key);
      return false;
    });
  }

  /** Forgets the binding, held in the ring ending at `last`; answers the ring's last binding then (undefined: none left). */
  unlink(last: number, id: number): number | undefined {
    let previous = last;
    while (this.nextOf(previous) !== id) previous = this.nextOf(previous);
    const next = this.nextOf(id);
    this.delete(id);
    if (previous === id) return undefined;
    this.setNext(previous, next);
    return id === last ? previous : last;
  }

  /**
   * Forgets the bindings of the ring ending at `last` that `doomed` picks, keeping the others in order; answers the
   * ring's last binding then (undefined: none left).
   */
  unlinkWhere(last: number | undefined, doomed: (id: number, key: number) => boolean): number | undefined {
    const kept: number[] = [];
    const gone: number[] = [];
    this.forEach(last, (id, key) => (doomed(id, key) ? gone : kept).push(id));
    if (gone.length === 0) return last;
    for (const id of gone) this.delete(id);
    for (let k = 0; k < kept.length; k++) this.setNext(kept[k]!, kept[(k + 1) % kept.length]!);
    return kept.at(-1);
  }

  /** Every id held, ascending. */
  ids(): number[] {
    const out = [...this.sparse.keys()];
    for (let i = 0; i < this.userIds.length; i++) if (this.userIds[i] !== FREE) out.push(this.base + i);
    return out.sort((a, b) => a - b);
  }

  /** Forgets a binding that is held, leaving the ring it was in to the caller. */
  private delete(id: number): void {
    const i = this.slot(id);
    if (i >= 0) {
      this.userIds[i] = FREE;
      if (this.nexts[i] === FAR) this.farNexts.delete(id);
    } else {
      this.sparse.delete(id);
    }
    this.count--;
  }

  /** The binding after this one in its user's ring; the id must be known. */
  private nextOf(id: number): number {
    const i = this.slot(id);
    if (i < 0) return this.sparse.get(id)!.next;
    const next = this.nexts[i]!;
    return next === FAR ? this.farNexts.get(id)! : next;
  }

  private setNext(id: number, next: number): void {
    const i = this.slot(id);
    if (i < 0) {
      this.sparse.get(id)!.next = next;
    } else if (isInt32(next) && next !== FAR) {
      if (this.nexts[i] === FAR) this.farNexts.delete(id);
      this.nexts[i] = next;
    } else {
      this.nexts[i] = FAR;
      this.farNexts.set(id, next);
    }
  }

  /** The id's slot in the columns, or -1 when the columns do not hold it. */
  private slot(id: number): number {
    const i = id - this.base;
    return i >= 0 && i < this.userIds.length && (i | 0) === i && this.userIds[i] !== FREE ? i : -1;
  }

  /** Grows the columns to take the id when they stay dense enough; false when the id must go sparse. */
  private cover(id: number): boolean {
    if (!Number.isSafeInteger(id)) return false;
    const length = this.userIds.length;
    const i = id - this.base;
    if (length > 0 && i >= 0 && i < length) return true;
    const low = length === 0 ? id : Math.min(this.base, id);
    const high = length === 0 ? id + 1 : Math.max(this.base + length, id + 1);
    if (high - low > DENSITY * this.count + SLACK) return false;
    // Grow by a quarter, not double: the columns of a large account are most of its bindings' memory.
    this.resize(low, Math.max(high - low, length + (length >>> 2) + SLACK));
    return true;
  }

  private resize(base: number, length: number): void {
    const userIds = new Int32Array(length).fill(FREE);
    const roleIds = new Int32Array(length);
    const keys = new Int32Array(length);
    const nexts = new Int32Array(length);
    if (this.userIds.length > 0) {
      const offset = this.base - base;
      userIds.set(this.userIds, offset);
      roleIds.set(this.roleIds, offset);
      keys.set(this.keys, offset);
      nexts.set(this.nexts, offset);
    }
    this.base = base;
    this.userIds = userIds;
    this.roleIds = roleIds;
    this.keys = keys;
    this.nexts = nexts;
  }
}

function isInt32(n: number): boolean {
  return (n | 0) === n;
}
