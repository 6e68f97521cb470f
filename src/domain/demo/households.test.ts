import { describe, expect, it } from 'vitest';
import { planHouseholds, type PlannedHousehold } from './households.ts';
import { familyNameTable } from './names.ts';
import { createRng } from './random.ts';

const names = familyNameTable('20');
const plan = (seed: number, size: number) => planHouseholds(createRng(seed), size, names);
const sample: PlannedHousehold[] = Array.from({ length: 20 }, (_, i) => plan(i + 1, 3000)).flat();
const people = sample.flatMap((h) => h.members);

describe('planHouseholds', () => {
  it('places every person drawn exactly once', () => {
    for (const size of [8, 50, 3000]) expect(plan(7, size).reduce((s, h) => s + h.members.length, 0)).toBe(size);
  });

  it('is deterministic', () => {
    expect(plan(42, 2000)).toEqual(plan(42, 2000));
    expect(plan(42, 2000)).not.toEqual(plan(43, 2000));
  });

  it('makes households of realistic size: mean 3.3–3.7, from 1 to 8 and more', () => {
    const mean = people.length / sample.length;
    expect(mean).toBeGreaterThan(3.3);
    expect(mean).toBeLessThan(3.7);
    const share = (f: (n: number) => boolean) => sample.filter((h) => f(h.members.length)).length / sample.length;
    expect(share((n) => n === 1)).toBeGreaterThan(0.06);
    expect(share((n) => n === 1)).toBeLessThan(0.2);
    expect(share((n) => n === 4)).toBeGreaterThan(0.15);
    expect(share((n) => n >= 6)).toBeGreaterThan(0.05);
    expect(share((n) => n >= 8)).toBeGreaterThan(0);
  });

  it('keeps the age pyramid of the people drawn', () => {
    const share = (lo: number, hi: number) => people.filter((p) => p.age >= lo && p.age <= hi).length / people.length;
    expect(share(0, 14)).toBeGreaterThan(0.22);
    expect(share(0, 14)).toBeLessThan(0.27);
    expect(share(65, 200)).toBeGreaterThan(0.06);
    expect(share(65, 200)).toBeLessThan(0.1);
  });

  it('has one head per household, an adult, first', () => {
    const wrong = sample.filter(
      (h) =>
        h.members[0].relation !== 'head' ||
        h.members[0].age < 18 ||
        h.members.filter((m) => m.relation === 'head').length !== 1 ||
        h.members.filter((m) => m.relation === 'spouse').length > 1,
    );
    expect(wrong).toEqual([]);
  });

  it('makes children younger than their parents and parents older than the head', () => {
    const wrong: PlannedHousehold[] = [];
    for (const h of sample) {
      const head = h.members[0];
      const spouse = h.members.find((m) => m.relation === 'spouse');
      const couple = spouse ? [head, spouse] : [head];
      const married = h.members.filter((m) => m.relation === 'child' || m.relation === 'child_in_law');
      const parents = h.members.filter((m) => m.relation === 'parent');
      const ok =
        h.members.filter((m) => m.relation === 'child').every((c) => couple.every((p) => p.age - c.age >= 15)) &&
        h.members.filter((m) => m.relation === 'grandchild').every((g) => head.age - g.age >= 30 && married.some((m) => m.age - g.age >= 15)) &&
        parents.every((p) => p.age >= Math.min(...couple.map((m) => m.age)) + 15);
      if (!ok) wrong.push(h);
    }
    expect(wrong).toEqual([]);
  });

  it('spaces siblings at least a year apart (two years of age)', () => {
    const tooClose = (ages: number[]) => ages.some((a, i) => ages.some((b, j) => i < j && Math.abs(a - b) < 2));
    const wrong = sample.filter(
      (h) =>
        tooClose(h.members.filter((m) => m.relation === 'grandchild').map((m) => m.age)) ||
        // a married child living in (child_in_law present) is also a 'child' but was not placed as one
        (!h.members.some((m) => m.relation === 'child_in_law') && tooClose(h.members.filter((m) => m.relation === 'child').map((m) => m.age))),
    );
    expect(wrong).toEqual([]);
  });

  it('gives children the family name of their father, and wives their own', () => {
    let couples = 0;
    let sameName = 0;
    let wrongNames = 0;
    for (const h of sample) {
      const head = h.members[0];
      const spouse = h.members.find((m) => m.relation === 'spouse');
      if (spouse) {
        couples++;
        if (spouse.familyName === head.familyName) sameName++;
        if (h.members.some((m) => m.relation === 'child' && m.familyName !== head.familyName)) wrongNames++;
      }
    }
    expect(wrongNames).toBe(0);
    expect(sameName / couples).toBeLessThan(0.2); // only by chance (Hoàng marries Hoàng)
  });

  it('gives small communes a few households', () => {
    for (let seed = 1; seed < 40; seed++) {
      const hh = plan(seed, 8);
      expect(hh.length).toBeGreaterThanOrEqual(2);
      for (const h of hh) expect(h.members[0].age).toBeGreaterThanOrEqual(18);
    }
  });
});
