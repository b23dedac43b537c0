/**
 * A column of numbers that grows a chunk at a time, for the index of a Bulk Data export (bulk.ts):
 * millions of rows cost a few bytes each in typed arrays, off the JS heap, where per-patient
 * arrays of numbers cost more and keep the garbage collector busy. Growing never copies (a new
 * chunk is added), so at most one chunk stands unused.
 */

/** Rows per chunk (2^16). */
const SHIFT = 16;
const CHUNK = 1 << SHIFT;
const MASK = CHUNK - 1;

type NumberArray = Int32Array | Uint32Array | Float64Array;

export class Column<A extends NumberArray> {
  private readonly chunks: A[] = [];

  constructor(private readonly Kind: new (length: number) => A) {}

  get(row: number): number {
    return this.chunks[row >>> SHIFT]![row & MASK]!;
  }

  /** Sets a row, adding the chunks up to it. */
  set(row: number, value: number): void {
    const c = row >>> SHIFT;
    while (this.chunks.length <= c) this.chunks.push(new this.Kind(CHUNK));
    this.chunks[c]![row & MASK] = value;
  }
}
