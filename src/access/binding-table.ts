/** Marks a free slot of the dense columns (a user id never takes this value there). */
const FREE = -0x80000000;
/** The dense columns may span up to this many slots per binding held (plus SLACK) before an id goes sparse. */
const DENSITY = 4;
const SLACK = 1024;

interface SparseBinding {
  userId: number;
  roleId: number;
}

/**
 * @internal Every role binding of a snapshot by id: its user and role (the user's entry lists the binding with
 * its cell). Binding ids come from one database sequence, so an account's ids are mostly dense: they index two
 * Int32 columns directly, 8 bytes a binding where a Map entry and an object cost about 100. An id far from the
 * others, or a value outside Int32,
 * goes to a Map instead; lookups try the columns first, then the Map, and an id is never in both.
 */
export class BindingTable {
  /** The id of the columns' slot 0. */
  private base = 0;
  private userIds = new Int32Array(0);
  private roleIds = new Int32Array(0);
  private readonly sparse = new Map<number, SparseBinding>();
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

  /** Records a binding whose id is not held. */
  add(id: number, userId: number, roleId: number): void {
    this.count++;
    if (isInt32(userId) && userId !== FREE && isInt32(roleId) && this.cover(id)) {
      const i = id - this.base;
      this.userIds[i] = userId;
      this.roleIds[i] = roleId;
    } else {
      this.sparse.set(id, { userId, roleId });
    }
  }

  /** Forgets a binding (unknown ids are ignored). */
  delete(id: number): void {
    const i = this.slot(id);
    if (i >= 0) this.userIds[i] = FREE;
    else if (!this.sparse.delete(id)) return;
    this.count--;
  }

  /** Every id held, ascending. */
  ids(): number[] {
    const out = [...this.sparse.keys()];
    for (let i = 0; i < this.userIds.length; i++) if (this.userIds[i] !== FREE) out.push(this.base + i);
    return out.sort((a, b) => a - b);
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
    if (this.userIds.length > 0) {
      const offset = this.base - base;
      userIds.set(this.userIds, offset);
      roleIds.set(this.roleIds, offset);
    }
    this.base = base;
    this.userIds = userIds;
    this.roleIds = roleIds;
  }
}

function isInt32(n: number): boolean {
  return (n | 0) === n;
}
