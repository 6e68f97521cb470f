import { describe, expect, it } from 'vitest';
import { drawStratum, PermutationPrefix, stratumSeed, systematicInterval } from './draw.ts';

describe('seeded draw', () => {
  it('draws distinct positions, the same for the same seed', () => {
    const a = new PermutationPrefix(42, 1_000_000).next(10_000);
    const b = new PermutationPrefix(42, 1_000_000).next(10_000);
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(10_000);
    expect(a.every((x) => x >= 0 && x < 1_000_000 && Number.isInteger(x))).toBe(true);
    expect(new PermutationPrefix(43, 1_000_000).next(10)).not.toEqual(a.slice(0, 10));
  });
  it('continues the same sequence when asked for more', () => {
    const p = new PermutationPrefix(7, 5000);
    const first = p.next(100);
    const more = p.next(50);
    expect(new PermutationPrefix(7, 5000).next(150)).toEqual([...first, ...more]);
  });
  it('is a full permutation when the whole population is drawn', () => {
    const all = new PermutationPrefix(1, 1000).next(2000);
    expect(all.length).toBe(1000);
    expect([...all].sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });
  it('is close to uniform', () => {
    const hits = new Array(10).fill(0);
    for (let s = 0; s < 2000; s++) for (const x of new PermutationPrefix(s, 100).next(5)) hits[Math.floor(x / 10)]++;
    for (const h of hits) expect(Math.abs(h - 1000)).toBeLessThan(150);
  });
  it('draws 10,000 of 3 million quickly enough to be interactive', () => {
    const p = new PermutationPrefix(2021, 3_000_000);
    expect(p.next(10_000)).toHaveLength(10_000);
  });
  it('skips people drawn for an earlier stratum and replaces them', async () => {
    const ids = Array.from({ length: 100 }, (_, i) => 1000 + i);
    const resolve = async (pos: number[]) => pos.map((x) => ids[x]);
    const taken = new Set<number>();
    const first = await drawStratum(5, 100, 30, resolve, taken);
    const second = await drawStratum(6, 100, 30, resolve, taken);
    expect(first).toHaveLength(30);
    expect(second).toHaveLength(30);
    expect(second.some((x) => first.includes(x))).toBe(false);
    const rest = await drawStratum(7, 100, 80, resolve, taken);
    expect(rest).toHaveLength(40); // only 40 left
  });
  it('draws uniformly among the positions that resolve to members (sparse ids)', async () => {
    // Members are the even numbers below 2,000: a third of the draws would be odd. Each member must be
    // about equally likely over many seeds.
    const hits = new Map<number, number>();
    for (let seed = 0; seed < 400; seed++) {
      const got = await drawStratum(seed, 2000, 50, async (pos) => pos.filter((x) => x % 2 === 0), new Set(), 0.5);
      expect(got).toHaveLength(50);
      expect(new Set(got).size).toBe(50);
      for (const x of got) hits.set(x, (hits.get(x) ?? 0) + 1);
    }
    // 400 draws × 50 / 1000 members = 20 expected per member.
    const counts = [...hits.values()];
    expect(hits.size).toBeGreaterThan(990);
    expect(counts.reduce((a, b) => a + b, 0) / 1000).toBe(20);
    expect(Math.max(...counts)).toBeLessThan(45);
    // Reproducible, and the same members whatever the round sizes.
    const a = await drawStratum(9, 2000, 50, async (pos) => pos.filter((x) => x % 2 === 0), new Set(), 0.5);
    const b = await drawStratum(9, 2000, 50, async (pos) => pos.filter((x) => x % 2 === 0), new Set(), 0.01);
    expect(a).toEqual(b);
  });
  it('stratum seeds differ by position and are fixed by the plan seed', () => {
    expect(stratumSeed(1, 0)).not.toBe(stratumSeed(1, 1));
    expect(stratumSeed(1, 0)).toBe(stratumSeed(1, 0));
  });
  it('every k-th person for on-site strata', () => {
    expect(systematicInterval(3, 1000, 100).every).toBe(10);
    const s = systematicInterval(3, 1000, 100).start;
    expect(s).toBeGreaterThanOrEqual(1);
    expect(s).toBeLessThanOrEqual(10);
    expect(systematicInterval(3, 50, 100).every).toBe(1);
  });
});
