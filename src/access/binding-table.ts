/** In the next column: the next binding's id is not an Int32 (or is this value), and is kept in a Map instead. */
const FAR = -0x80000000;
/** The id column may span up to this many ids per binding held (plus SLACK) before an id goes sparse. */
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
 * next is the first. Binding ids come from one database sequence, so an account's ids are mostly dense: they index
 * an Int32 column of slots directly, and each slot holds a binding in four Int32 columns, 20 bytes a binding where a
 * Map entry and an object cost about 100, and a user's own array of its bindings about 20 more. An id far from the
 * others, or a value outside Int32, goes to a Map instead; lookups try the columns first, then the Map, and an id is
 * never in both.
 *
 * Slots are taken in the order bindings are added (a freed one is taken again first), not by id: a build adds
 * them user by user, so a user's bindings sit side by side and each addition writes where the last one did. By id,
 * each addition wrote four columns at a random place. An account of 100k users and 1M bindings (2 cores, 3
 * processes a side, each the median of 12 builds): 713–788 ms by slot, 772–948 ms by id.
 *
 * The id column is the one write at a random place left: during a build (startBuild() to endBuild()) it is written
 * in one pass at the end, and has() answers from a bit per id (128 KB at 1M ids, where the id column is 4 MB). When
 * each append() wrote its entry, and has() read it first, each binding waited on a cache miss: the same account's
 * builds took 665–668 ms that way and 595–608 ms with the pass (medians of 8, two processes with the order swapped).
 */
export class BindingTable {
  /** The id of `slots`' entry 0. */
  private base = 0;
  /** By id - base: the binding's slot + 1, or 0 when the columns do not hold that id. */
  private slots = new Int32Array(0);
  private userIds = new Int32Array(0);
  private roleIds = new Int32Array(0);
  private keys = new Int32Array(0);
  private nexts = new Int32Array(0);
  /** Slots in use or freed: the next new one is `used`. */
  private used = 0;
  /** Freed slots, taken again before new ones. */
  private readonly freed: number[] = [];
  private readonly sparse = new Map<number, SparseBinding>();
  /** The next binding of a binding in the columns whose next column says FAR. */
  private readonly farNexts = new Map<number, number>();
  private count = 0;
  /** The build under way (startBuild() to endBuild()), if any. */
  private build: Build | undefined;
  /**
   * The binding append() added last and its slot, if it went to the columns: the next append of the same user (a
   * build adds a user's bindings one after the other) finds its `last` here, not through the id column. `last` is
   * always held, so a binding removed since is never asked for.
   */
  private recentId: number | undefined;
  private recentSlot = -1;

  get size(): number {
    return this.count;
  }

  /**
   * Starts a build of an empty table whose ids are in [minId, maxId], if they are dense enough (else it does nothing):
   * the columns are sized for them with room to grow, and until endBuild() has() answers for those ids from a bit per
   * id and the id column is written in one pass, not at each append().
   */
  startBuild(minId: number, maxId: number, count: number): void {
    const span = maxId - minId + 1;
    if (this.count > 0 || !Number.isSafeInteger(minId) || !Number.isSafeInteger(maxId) || span > DENSITY * count + SLACK) return;
    this.resizeIds(minId, span + (span >>> 4) + SLACK);
    if (count > this.userIds.length) this.resizeSlots(count + (count >>> 4) + SLACK);
    this.build = {
      minId, held: new Uint32Array((span + 31) >>> 5), pending: new Int32Array(this.userIds.length), indexed: this.used,
    };
  }

  /** Ends the build startBuild() started: the id column is written for every binding appended since. */
  endBuild(): void {
    this.writePending();
    this.build = undefined;
  }

  has(id: number): boolean {
    const bit = this.bitOf(id);
    if (bit >= 0) return (this.build!.held[bit >>> 5]! & (1 << (bit & 31))) !== 0;
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
    this.mark(id, true);
    const lastSlot = last === undefined ? -1 : last === this.recentId ? this.recentSlot : this.slot(last);
    const next = last === undefined ? id : this.nextAt(lastSlot, last);
    if (isInt32(userId) && isInt32(roleId) && isInt32(key) && this.cover(id)) {
      const i = this.freed.pop() ?? this.newSlot();
      const build = this.build;
      if (build !== undefined && i >= build.indexed && i < build.pending.length) build.pending[i] = id - this.base;
      else this.slots[id - this.base] = i + 1;
      this.userIds[i] = userId;
      this.roleIds[i] = roleId;
      this.keys[i] = key;
      this.setNextAt(i, id, next);
      this.recentId = id;
      this.recentSlot = i;
    } else {
      this.sparse.set(id, { userId, roleId, key, next });
      this.recentId = undefined;
    }
    if (last !== undefined) this.setNextAt(lastSlot, last, id);
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
    for (let i = 0; i < this.slots.length; i++) if (this.slots[i] !== 0) out.push(this.base + i);
    return out.sort((a, b) => a - b);
  }

  /** Forgets a binding that is held, leaving the ring it was in to the caller. */
  private delete(id: number): void {
    this.mark(id, false);
    const i = this.slot(id);
    if (i >= 0) {
      this.slots[id - this.base] = 0;
      this.freed.push(i);
      if (this.nexts[i] === FAR) this.farNexts.delete(id);
    } else {
      this.sparse.delete(id);
    }
    this.count--;
  }

  /** The binding after this one in its user's ring; the id must be known. */
  private nextOf(id: number): number {
    return this.nextAt(this.slot(id), id);
  }

  /** nextOf for a binding known to be at slot `i` (-1: in the Map). */
  private nextAt(i: number, id: number): number {
    if (i < 0) return this.sparse.get(id)!.next;
    const next = this.nexts[i]!;
    return next === FAR ? this.farNexts.get(id)! : next;
  }

  private setNext(id: number, next: number): void {
    this.setNextAt(this.slot(id), id, next);
  }

  /** setNext for a binding known to be at slot `i` (-1: in the Map). */
  private setNextAt(i: number, id: number, next: number): void {
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

  /** The id's bit in the build's `held`; -1 outside a build or its range. */
  private bitOf(id: number): number {
    const build = this.build;
    if (build === undefined) return -1;
    const bit = id - build.minId;
    return bit >= 0 && (bit | 0) === bit && bit < build.held.length * 32 ? bit : -1;
  }

  /** During a build, records whether the id is held, for has(); ids outside the build's range are not recorded. */
  private mark(id: number, held: boolean): void {
    const bit = this.bitOf(id);
    if (bit < 0) return;
    const words = this.build!.held;
    if (held) words[bit >>> 5]! |= 1 << (bit & 31);
    else words[bit >>> 5]! &= ~(1 << (bit & 31));
  }

  /**
   * Writes the id column's entries of the bindings appended during the build since the last call, in slot order: one
   * pass of writes at random places, where each append() writing its own stalled the build on a cache miss.
   */
  private writePending(): void {
    const build = this.build;
    if (build === undefined) return;
    // Slots past `pending` were written by append() itself.
    const end = Math.min(this.used, build.pending.length);
    for (let i = build.indexed; i < end; i++) this.slots[build.pending[i]!] = i + 1;
    build.indexed = this.used;
  }

  /** The id's slot in the columns, or -1 when the columns do not hold it. */
  private slot(id: number): number {
    if (this.build !== undefined && this.build.indexed < this.used) this.writePending();
    const i = id - this.base;
    return i >= 0 && i < this.slots.length && (i | 0) === i ? this.slots[i]! - 1 : -1;
  }

  /** Grows the id column to take the id when it stays dense enough; false when the id must go sparse. */
  private cover(id: number): boolean {
    if (!Number.isSafeInteger(id)) return false;
    const length = this.slots.length;
    const i = id - this.base;
    if (length > 0 && i >= 0 && i < length) return true;
    const low = length === 0 ? id : Math.min(this.base, id);
    const high = length === 0 ? id + 1 : Math.max(this.base + length, id + 1);
    if (high - low > DENSITY * this.count + SLACK) return false;
    // Grow by a quarter, not double: the columns of a large account are most of its bindings' memory.
    this.resizeIds(low, Math.max(high - low, length + (length >>> 2) + SLACK));
    return true;
  }

  /** A slot never used yet, the slot columns grown by a quarter when they are full. */
  private newSlot(): number {
    if (this.used === this.userIds.length) this.resizeSlots(this.used + (this.used >>> 2) + SLACK);
    return this.used++;
  }

  private resizeIds(base: number, length: number): void {
    this.writePending();
    const slots = new Int32Array(length);
    if (this.slots.length > 0) slots.set(this.slots, this.base - base);
    this.base = base;
    this.slots = slots;
  }

  private resizeSlots(length: number): void {
    const grown = (column: Int32Array) => {
      const bigger = new Int32Array(length);
      bigger.set(column.subarray(0, this.used));
      return bigger;
    };
    this.userIds = grown(this.userIds);
    this.roleIds = grown(this.roleIds);
    this.keys = grown(this.keys);
    this.nexts = grown(this.nexts);
  }
}

/** A build under way (see BindingTable.startBuild). */
interface Build {
  /** The id of `held`'s bit 0. */
  minId: number;
  /** A bit per id of the build's range: set while the table holds that id. */
  held: Uint32Array;
  /** By slot: the id - base of the binding appended there, for the slots from `indexed` on. */
  pending: Int32Array;
  /** Slots before this one have their entry in the id column. */
  indexed: number;
}

function isInt32(n: number): boolean {
  return (n | 0) === n;
}
