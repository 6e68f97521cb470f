import { describe, expect, it } from 'vitest';
import { createRng, hashSeed, sample, shuffle, weighted } from './random.ts';

describe('createRng', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const a = createRng(2021);
    const b = createRng(2021);
    const c = createRng(2022);
    const seqA = Array.from({ length: 50 }, () => a.next());
    expect(Array.from({ length: 50 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 50 }, () => c.next())).not.toEqual(seqA);
  });

  it('stays in range and is roughly uniform', () => {
    const rng = createRng(7);
    const counts = new Array(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = rng.next();
      if (!(x >= 0 && x < 1)) outside++;
      else counts[Math.floor(x * 10)]++;
    }
    expect(outside).toBe(0);
    for (const n of counts) expect(Math.abs(n - 10_000)).toBeLessThan(500);
    for (let i = 0; i < 1000; i++) {
      const n = rng.int(3, 5);
      expect([3, 4, 5]).toContain(n);
    }
  });
});

describe('hashSeed', () => {
  it('separates its parts', () => {
    expect(hashSeed(1, 'ab')).toBe(hashSeed(1, 'ab'));
    expect(hashSeed(1, 'ab')).not.toBe(hashSeed(1, 'a', 'b'));
    expect(hashSeed(1, 'ab')).not.toBe(hashSeed(2, 'ab'));
  });
});

describe('weighted', () => {
  it('samples in proportion to the weights', () => {
    const table = weighted([['a', 1], ['b', 3], ['c', 0], ['d', 6]] as const);
    const rng = createRng(1);
    const counts: Record<string, number> = { a: 0, b: 0, c: 0, d: 0 };
    for (let i = 0; i < 100_000; i++) counts[sample(rng, table)]++;
    expect(counts.c).toBe(0);
    expect(counts.a / 100_000).toBeCloseTo(0.1, 1);
    expect(counts.b / 100_000).toBeCloseTo(0.3, 1);
    expect(counts.d / 100_000).toBeCloseTo(0.6, 1);
  });

  it('refuses tables without weight', () => {
    expect(() => weighted([['a', 0]])).toThrow();
  });
});

describe('shuffle', () => {
  it('permutes', () => {
    const out = shuffle(createRng(3), Array.from({ length: 100 }, (_, i) => i));
    expect([...out].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(out).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});
