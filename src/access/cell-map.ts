import type { PermissionBits } from './permission-bits.js';

/** A cell's value: permission bits, or a membership's role id. */
export type CellValue = PermissionBits | number;

/**
 * @internal One user's cells (see UserEntry): numeric key → value, in one array of key, value pairs sorted by key.
 * A user holds a dozen or so cells; a Map of them costs about 500 bytes of hash table, this array 16 bytes a cell,
 * and a lookup is a binary search over those few keys. Writes shift the pairs after the slot, which at this
 * size costs less than hashing.
 */
export class CellMap {
  #pairs: CellValue[] = [];

  get size(): number {
    return this.#pairs.length >>> 1;
  }

  get(key: number): CellValue | undefined {
    const i = this.#find(key);
    return i >= 0 ? this.#pairs[i + 1] : undefined;
  }

  set(key: number, value: CellValue): void {
    const i = this.#find(key);
    const pairs = this.#pairs;
    if (i >= 0) {
      pairs[i + 1] = value;
      return;
    }
    // Shifts by hand: splice allocates an array of the removed elements on every call.
    const at = ~i;
    pairs.push(key, value);
    for (let j = pairs.length - 1; j > at + 1; j--) pairs[j] = pairs[j - 2]!;
    pairs[at] = key;
    pairs[at + 1] = value;
  }

  /** Answers whether the key was there. */
  delete(key: number): boolean {
    const i = this.#find(key);
    if (i < 0) return false;
    const pairs = this.#pairs;
    for (let j = i; j < pairs.length - 2; j++) pairs[j] = pairs[j + 2]!;
    pairs.length -= 2;
    return true;
  }

  /** Drops every entry the predicate picks, keeping the others in order. */
  deleteWhere(doomed: (key: number, value: CellValue) => boolean): void {
    const pairs = this.#pairs;
    let kept = 0;
    for (let i = 0; i < pairs.length; i += 2) {
      if (doomed(pairs[i] as number, pairs[i + 1]!)) continue;
      pairs[kept++] = pairs[i]!;
      pairs[kept++] = pairs[i + 1]!;
    }
    pairs.length = kept;
  }

  /** The keys, ascending (a copy: the map may change while they are used). */
  keys(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.#pairs.length; i += 2) out.push(this.#pairs[i] as number);
    return out;
  }

  /** The entries, by ascending key (a copy, as keys()). */
  entries(): [number, CellValue][] {
    const out: [number, CellValue][] = [];
    for (let i = 0; i < this.#pairs.length; i += 2) out.push([this.#pairs[i] as number, this.#pairs[i + 1]!]);
    return out;
  }

  /** Hands the pairs an array of their exact size: growth leaves up to half an array's room unused. */
  compact(): void {
    this.#pairs = this.#pairs.slice();
  }

  /** The index of the key's pair, or the bitwise complement of the index where it would go. */
  #find(key: number): number {
    const pairs = this.#pairs;
    let low = 0;
    let high = (pairs.length >>> 1) - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const k = pairs[mid << 1] as number;
      if (k < key) low = mid + 1;
      else if (k > key) high = mid - 1;
      else return mid << 1;
    }
    return ~(low << 1);
  }
}
