type Floats = Float32Array | Float64Array;

/** A block: elements [start, start + length) of slab `slab` (numbers only: not even a view per block). */
export interface Block {
  slab: number;
  start: number;
  length: number;
}

/**
 * Many small float arrays as views of a few large ones. 55,000 wells each with a typed array of its own cost
 * ~1.4 KB of RSS per well beyond the 2 KB of values (buffer object, backing store, malloc slack); a block of a
 * slab costs three numbers. Blocks are taken from the end of the last slab; a freed block's space is not reused, but
 * a slab is released once it holds no live block.
 */
export class Slabs<T extends Floats> {
  private readonly slabs: (T | undefined)[] = [];
  /** Live blocks per slab. */
  private readonly live: number[] = [];
  /** Elements used of the last slab. */
  private top = 0;

  constructor(
    private readonly make: (length: number) => T,
    private readonly slabLength: number,
  ) {}

  /** A new block of `length` elements, filled with `fill`. */
  alloc(length: number, fill: number): Block {
    let slab = this.slabs.length - 1;
    const last = this.slabs[slab];
    if (!last || this.top + length > last.length) {
      this.slabs.push(this.make(Math.max(this.slabLength, length)));
      this.live.push(0);
      slab += 1;
      this.top = 0;
    }
    const start = this.top;
    this.slabs[slab]!.fill(fill, start, start + length);
    this.top += length;
    this.live[slab]! += 1;
    return { slab, start, length };
  }

  /** The array holding the block (index it from block.start). */
  array(block: Block): T {
    return this.slabs[block.slab]!;
  }

  /** The block is no longer used: its slab is released once none of its blocks is (the last one stays in use). */
  free(block: Block): void {
    this.live[block.slab]! -= 1;
    if (this.live[block.slab] === 0 && block.slab !== this.slabs.length - 1) this.slabs[block.slab] = undefined;
  }
}
