// Small-number disclosure (public page): masked counts, rates and the complementary suppression.
import { describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import { DEFAULT_SMALL_NUMBERS as P, SMALL_NUMBERS_POLICY, disclose, discloseRate, discloseSiblings, isSmall } from './disclosure.ts';

describe('small-number disclosure', () => {
  it('masks 1 to 4 in communes and villages, never 0 nor 5, and never in districts or the province', () => {
    expect([0, 1, 2, 3, 4, 5, 17].map((n) => disclose(n, 'commune', P))).toEqual([0, '< 5', '< 5', '< 5', '< 5', 5, 17]);
    expect(disclose(3, 'village', P)).toBe('< 5');
    expect(disclose(3, 'district', P)).toBe(3);
    expect(disclose(1, 'province', P)).toBe(1);
    expect(isSmall(4, P)).toBe(true);
    expect(isSmall(5, P)).toBe(false);
  });

  it('follows the policy: another threshold and levels', () => {
    const p = { threshold: 10, unitLevels: ['commune', 'village', 'district'] as const } as unknown as typeof P;
    expect(disclose(9, 'district', p)).toBe('< 10');
    expect(disclose(10, 'district', p)).toBe(10);
    expect(disclose(4, 'commune', { threshold: 5, unitLevels: [] })).toBe(4);
  });

  it('hides a rate computed from a masked count', () => {
    expect(discloseRate(312.5, 2, 'commune', P)).toBeNull();
    expect(discloseRate(0, 0, 'commune', P)).toBe(0);
    expect(discloseRate(900, 6, 'commune', P)).toBe(900);
    expect(discloseRate(2.1, 2, 'district', P)).toBe(2.1);
  });

  it('one masked sibling: another is shown as "≥ 5" so the parent total cannot give it back', () => {
    const levels = ['commune', 'commune', 'commune', 'commune'];
    // 3 masked; 6 and 40 ≥ 5; the smallest of at least 9 (40) is the complement.
    expect(discloseSiblings([3, 6, 40, 0], levels, P)).toEqual({ values: ['< 5', 6, '≥ 5', 0], hidden: [true, false, true, false] });
    // None of at least 9: the largest.
    expect(discloseSiblings([2, 6, 7, 0], levels, P).values).toEqual(['< 5', 6, '≥ 5', 0]);
    // Two masked: no complement needed for the simple subtraction.
    expect(discloseSiblings([2, 1, 7], levels, P).values).toEqual(['< 5', '< 5', 7]);
    // One masked and only zeros beside it: nothing to add (the total is small, and shown only at the district).
    expect(discloseSiblings([2, 0, 0], levels, P).values).toEqual(['< 5', 0, 0]);
    // Districts: nothing masked.
    expect(discloseSiblings([2, 6], ['district', 'district'], P).values).toEqual([2, 6]);
  });

  it('whatever the remainder, the hidden count stays anywhere from 1 to 4 (property)', () => {
    for (let m = 1; m <= 4; m++)
      for (const others of [[5], [5, 9], [12, 30], [6, 7, 8], [9, 5, 100]]) {
        const counts = [m, ...others];
        const { values } = discloseSiblings(counts, counts.map(() => 'commune'), P);
        const shown = values.reduce<number>((s, v) => s + (typeof v === 'number' ? v : 0), 0);
        const remainder = counts.reduce((a, b) => a + b, 0) - shown;
        const complement = counts.find((_, i) => values[i] === '≥ 5')!;
        // Possible hidden values given the remainder and "< 5" / "≥ 5": m' in 1..4 with remainder − m' ≥ 5.
        const possible = [1, 2, 3, 4].filter((x) => remainder - x >= 5);
        expect(possible).toContain(m);
        // With a sibling of at least 9 the complement is one: nothing is learnt. Without one (a lone 5 beside a 1), the total can still tell (docs).
        if (others.some((x) => x >= 9)) expect(possible, counts.join(',')).toEqual([1, 2, 3, 4]);
      }
  });

  it('the shipped policy passes its schema', () => {
    for (const d of SMALL_NUMBERS_POLICY.defaults) expect(Value.Check(SMALL_NUMBERS_POLICY.schema, d.value)).toBe(true);
    expect(Value.Check(SMALL_NUMBERS_POLICY.schema, { threshold: 1, unitLevels: [] })).toBe(false);
  });
});
