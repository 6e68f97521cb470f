// The daily coverage facts of one commune computed from its people (the change points the SQL of
// server/modules/vaccination/coverageFacts.ts writes: a row per age group and day on which
// anything changes, holding until the next). The demo builds its facts with this from the history
// it planned instead of reading the doses back; a test holds it to the SQL rebuild row for row.
import { AGE_BOUNDS } from './coverage.ts';
import { birthdayAt } from './schedule.ts';

/** A person's days for the facts: birth, first dose, primary series complete, first and second booster. */
export interface PersonDays {
  birthDate: string | null;
  /** The first dose of any kind. */
  first: string | null;
  /** The dose that completes the primary series of the first product. */
  fully: string | null;
  /** The first booster (of either kind). */
  booster: string | null;
  /** The last second booster. */
  booster2: string | null;
}

export interface ChangePoint {
  ageGroup: string;
  day: string;
  population: number;
  atLeastOne: number;
  fully: number;
  booster: number;
  booster2: number;
}

const NEVER_BEFORE = '0000-01-01';
const NEVER_AFTER = '9999-12-31';

/**
 * A person's days from their doses: primary doses in the order of their kinds, the series of the
 * first one's product (`primaryDoses`: doses per product code; an unknown product has no series).
 */
export function personDays(birthDate: string | null, doses: readonly { kind: string; productCode: string; givenOn: string }[], primaryDoses: ReadonlyMap<string, number>): PersonDays {
  let first: string | null = null;
  let booster: string | null = null;
  let booster2: string | null = null;
  const primaries: { kind: string; productCode: string; givenOn: string }[] = [];
  for (const d of doses) {
    if (first === null || d.givenOn < first) first = d.givenOn;
    if ((d.kind === 'booster_1' || d.kind === 'booster_2') && (booster === null || d.givenOn < booster)) booster = d.givenOn;
    if (d.kind === 'booster_2' && (booster2 === null || d.givenOn > booster2)) booster2 = d.givenOn;
    if (d.kind.startsWith('primary')) primaries.push(d);
  }
  primaries.sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
  const n = primaries.length ? primaryDoses.get(primaries[0].productCode) : undefined;
  const fully = n != null && n >= 1 && n <= primaries.length ? primaries[n - 1].givenOn : null;
  return { birthDate, first, fully, booster, booster2 };
}

const GROUPS: { group: string; lo: number | null; hi: number | null }[] = [
  { group: 'all', lo: null, hi: null },
  ...Object.entries(AGE_BOUNDS).map(([group, b]) => ({ group, lo: b.min, hi: b.below })),
];

/** The commune's change points from `from` to `horizon` (both always present in every group). */
export function changePoints(people: Iterable<PersonDays>, from: string, horizon: string): ChangePoint[] {
  // Per group: day → [population, at least one, fully, booster, booster 2] changes.
  const deltas = GROUPS.map(() => new Map<string, number[]>());
  const add = (g: number, day: string, col: number, by: number) => {
    let d = deltas[g].get(day);
    if (!d) deltas[g].set(day, (d = [0, 0, 0, 0, 0]));
    d[col] += by;
  };
  for (const m of deltas) {
    m.set(from, [0, 0, 0, 0, 0]);
    m.set(horizon, [0, 0, 0, 0, 0]);
  }
  for (const p of people) {
    const measures = [p.first, p.fully, p.booster, p.booster2];
    for (let g = 0; g < GROUPS.length; g++) {
      const { lo, hi } = GROUPS[g];
      if (lo !== null && p.birthDate === null) continue;
      const enters = lo === null ? (p.birthDate ?? NEVER_BEFORE) : birthdayAt(p.birthDate!, lo);
      const leaves = hi === null ? NEVER_AFTER : birthdayAt(p.birthDate!, hi);
      if (!(leaves > from && enters <= horizon)) continue;
      const start = enters > from ? enters : from;
      add(g, start, 0, 1);
      for (let k = 0; k < 4; k++) if (measures[k] !== null && measures[k]! <= enters) add(g, start, k + 1, 1);
      if (leaves <= horizon) {
        add(g, leaves, 0, -1);
        for (let k = 0; k < 4; k++) if (measures[k] !== null && measures[k]! < leaves) add(g, leaves, k + 1, -1);
      }
      for (let k = 0; k < 4; k++) {
        const x = measures[k];
        if (x !== null && x > enters && x < leaves && x <= horizon) add(g, x > from ? x : from, k + 1, 1);
      }
    }
  }
  const out: ChangePoint[] = [];
  for (let g = 0; g < GROUPS.length; g++) {
    const days = [...deltas[g].keys()].sort();
    const sum = [0, 0, 0, 0, 0];
    for (const day of days) {
      const d = deltas[g].get(day)!;
      for (let k = 0; k < 5; k++) sum[k] += d[k];
      out.push({ ageGroup: GROUPS[g].group, day, population: sum[0], atLeastOne: sum[1], fully: sum[2], booster: sum[3], booster2: sum[4] });
    }
  }
  return out;
}
