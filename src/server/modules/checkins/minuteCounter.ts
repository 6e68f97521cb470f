// Check-ins per identity per minute, in fixed memory. A Map of every identity seen in the minute
// (hundreds of thousands under load) kept the garbage collector busy: a fifth of the server's CPU
// time and pauses of several hundred milliseconds in the ingest benchmark. This is a count-min
// sketch with conservative update: DEPTH rows of WIDTH counters, each identity hashed to one counter
// per row; its count is the smallest of its counters. It never counts an identity lower than it is
// (a flood is always refused); it can count it higher when other identities share all its counters.
// With n identities in a minute, a counter carries about n / WIDTH of others' check-ins: at 360,000
// a minute (6,000 check-ins a second, all different people) that is 0.34, and an identity with one
// check-in is refused at 10 a minute only if all three of its counters carry 10 others (below 1e-30).
// The window is the calendar minute, as before; nothing is allocated per check-in.

const WIDTH = 1 << 20;
const DEPTH = 3;
const SEEDS = [0x811c9dc5, 0x01000193 ^ 0x5bd1e995, 0x9e3779b9];

/** FNV-1a over the UTF-16 code units, from a seed. */
function hash(key: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // A final mix, so that keys differing in the last characters spread over the whole row.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

export class MinuteCounter {
  private counts: Uint16Array | null = null; // made on the first count (6 MB)
  private window = -1;
  private readonly index = new Uint32Array(DEPTH);

  /** `max` check-ins a minute per key (at most 65,534). */
  constructor(
    private readonly max: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isInteger(max) || max < 1 || max > 65_534) throw new RangeError(`max per minute out of range: ${max}`);
  }

  /** Counts one for `key` in this minute; true while its count is at most `max`. */
  hit(key: string): boolean {
    const w = Math.floor(this.now() / 60_000);
    if (!this.counts) this.counts = new Uint16Array(WIDTH * DEPTH);
    if (w !== this.window) {
      this.counts.fill(0);
      this.window = w;
    }
    const c = this.counts;
    let min = 0xffff;
    for (let d = 0; d < DEPTH; d++) {
      const i = d * WIDTH + (hash(key, SEEDS[d]) & (WIDTH - 1));
      this.index[d] = i;
      if (c[i] < min) min = c[i];
    }
    const n = Math.min(min + 1, 0xffff);
    // Conservative update: only the counters below the new count are raised to it.
    for (let d = 0; d < DEPTH; d++) if (c[this.index[d]] < n) c[this.index[d]] = n;
    return n <= this.max;
  }
}
