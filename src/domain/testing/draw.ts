// A reproducible random draw: the same seed and the same population give the same people. The
// population is ordered (by the store) and positions in it are drawn as the prefix of a random
// permutation (Fisher–Yates on a sparse map), so drawing 10,000 of 3 million touches 10,000
// positions, and asking for more positions later (to replace people already drawn for another
// stratum) continues the same sequence.
import { createRng, hashSeed, type Rng } from '../demo/random.ts';

export class PermutationPrefix {
  private readonly swapped = new Map<number, number>();
  private i = 0;
  private readonly rng: Rng;

  constructor(
    seed: number,
    readonly size: number,
  ) {
    this.rng = createRng(seed);
  }

  /** Positions drawn so far. */
  get drawn(): number {
    return this.i;
  }

  /** The next `count` positions of the permutation (fewer when the population runs out). */
  next(count: number): number[] {
    const out: number[] = [];
    const at = (k: number) => this.swapped.get(k) ?? k;
    while (out.length < count && this.i < this.size) {
      const j = this.i + Math.floor(this.rng.next() * (this.size - this.i));
      const vi = at(this.i);
      const vj = at(j);
      this.swapped.set(j, vi);
      this.swapped.delete(this.i); // never read again
      out.push(vj);
      this.i++;
    }
    return out;
  }
}

/** The seed of one stratum of a plan: independent streams per stratum, fixed by the plan's seed and the stratum's position. */
export function stratumSeed(planSeed: number, position: number): number {
  return hashSeed('sampling-plan', planSeed, position);
}

/** Positions asked for at most in one round. */
const MAX_ROUND = 200_000;

/**
 * Draws `count` members for a stratum out of `size` positions, skipping those `taken` (drawn for
 * an earlier stratum of the same plan). `resolve` maps positions to member ids in batches, in the
 * order of the positions; it may resolve only some of them (`yieldRate`, the expected share, sizes
 * the rounds): positions that are not members are passed over, so the first `count` members met
 * in the permutation's order are drawn — still a uniform draw of the members.
 */
export async function drawStratum(
  seed: number,
  size: number,
  count: number,
  resolve: (positions: number[]) => Promise<number[]>,
  taken: Set<number>,
  yieldRate = 1,
): Promise<number[]> {
  const perm = new PermutationPrefix(seed, size);
  const chosen: number[] = [];
  while (chosen.length < count && perm.drawn < size) {
    const want = count - chosen.length;
    const positions = perm.next(yieldRate >= 1 ? want : Math.min(MAX_ROUND, Math.ceil((want / Math.max(yieldRate, 1e-6)) * 1.1) + 16));
    for (const id of await resolve(positions)) {
      if (taken.has(id) || chosen.length >= count) continue;
      taken.add(id);
      chosen.push(id);
    }
  }
  return chosen;
}

/** For people met at a site (no list to draw from): test every k-th person from a random start. */
export function systematicInterval(seed: number, population: number, count: number): { every: number; start: number } {
  if (count <= 0 || population <= 0) return { every: 0, start: 0 };
  const every = Math.max(1, Math.floor(population / count));
  return { every, start: 1 + Math.floor(createRng(seed).next() * every) };
}
