// Small-number disclosure on the public page (docs/dashboard.md): in units smaller than a district
// (communes, villages) a count from 1 to below the threshold could point at a person, so it is
// shown as "< 5", never the exact figure; a rate computed from such a count is not shown either.
// Where one sibling alone is masked, the parent's total minus the others would give it back: another
// sibling is then shown as "≥ 5" (complementary suppression). The threshold
// and the unit levels are a dated policy (`public.small_numbers`).
import { Type } from 'typebox';
import type { PolicyDefinition } from '../policies/registry.ts';

export type UnitLevelName = 'province' | 'district' | 'commune' | 'village';

export interface SmallNumbersPolicy {
  /** Counts from 1 to threshold − 1 are masked (0 is shown: it points at nobody). */
  threshold: number;
  /** The unit levels whose counts are masked. */
  unitLevels: UnitLevelName[];
}

export const DEFAULT_SMALL_NUMBERS: SmallNumbersPolicy = { threshold: 5, unitLevels: ['commune', 'village'] };

/** What the public API gives for a count: the number, or the masked text. */
export type Disclosed = number | string;

export const below = (p: SmallNumbersPolicy) => `< ${p.threshold}`;
export const atLeast = (p: SmallNumbersPolicy) => `≥ ${p.threshold}`;

export const masksLevel = (unitLevel: string, p: SmallNumbersPolicy) => (p.unitLevels as string[]).includes(unitLevel);

/** A count is small when it is from 1 to below the threshold. */
export const isSmall = (n: number, p: SmallNumbersPolicy) => n > 0 && n < p.threshold;

/** One count of a unit: masked when the unit's level is masked and the count is small. */
export function disclose(n: number, unitLevel: string, p: SmallNumbersPolicy): Disclosed {
  return masksLevel(unitLevel, p) && isSmall(n, p) ? below(p) : n;
}

/** A rate (per 100,000, a percent) computed from a count: hidden (null) when that count is masked. */
export function discloseRate(rate: number | null, count: number, unitLevel: string, p: SmallNumbersPolicy): number | null {
  return masksLevel(unitLevel, p) && isSmall(count, p) ? null : rate;
}

/**
 * The counts of the children of one parent (whose total is published): small ones masked, and
 * when exactly one is masked, another non-zero one shown as "≥ threshold" so the parent's total
 * cannot give the masked one back. With two or more masked, the total still bounds their sum
 * (a total of 2 over two masked siblings means 1 each): this is protection from the simple
 * subtraction, not a full statistical disclosure control. Returns the values and which are hidden.
 */
export function discloseSiblings(counts: number[], unitLevels: string[], p: SmallNumbersPolicy): { values: Disclosed[]; hidden: boolean[] } {
  const values: Disclosed[] = counts.map((n, i) => disclose(n, unitLevels[i], p));
  const hidden = values.map((v) => typeof v === 'string');
  if (hidden.filter(Boolean).length === 1) {
    // The smallest sibling of at least 2 × threshold − 1 (the hidden one then stays anywhere from 1 to
    // threshold − 1 whatever the remainder), else the largest one.
    const wide = 2 * p.threshold - 1;
    let pick = -1;
    counts.forEach((n, i) => {
      if (hidden[i] || n <= 0 || !masksLevel(unitLevels[i], p)) return;
      if (pick < 0) pick = i;
      else if (n >= wide ? counts[pick] < wide || n < counts[pick] : counts[pick] < wide && n > counts[pick]) pick = i;
    });
    if (pick >= 0) {
      values[pick] = atLeast(p);
      hidden[pick] = true;
    }
  }
  return { values, hidden };
}

const UnitLevelSchema = Type.Union([Type.Literal('province'), Type.Literal('district'), Type.Literal('commune'), Type.Literal('village')]);

export const SMALL_NUMBERS_POLICY: PolicyDefinition = {
  key: 'public.small_numbers',
  title: { vi: 'Không công bố số nhỏ trên trang công khai', en: 'Small numbers on the public page' },
  schema: Type.Object(
    { threshold: Type.Integer({ minimum: 2, maximum: 100 }), unitLevels: Type.Array(UnitLevelSchema, { minItems: 0, maxItems: 4, uniqueItems: true }) },
    { additionalProperties: false },
  ),
  defaults: [
    {
      effectiveFrom: '2020-01-01',
      value: DEFAULT_SMALL_NUMBERS,
      source: 'Cấu hình của tỉnh: cấp xã, thôn không công bố số ca từ 1 đến 4 (hiển thị "< 5") để không lộ danh tính người bệnh; ngưỡng do tỉnh quyết định',
    },
  ],
};
