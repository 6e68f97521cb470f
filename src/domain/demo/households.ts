// Households of the synthetic population. The people of a commune are drawn from the age pyramid
// first (so the pyramid holds exactly, whatever the household mix), then put together the way
// Vietnamese households are: married couples (wife usually a few years younger), their children
// and unmarried young adults with them, young couples living with the husband's (sometimes the wife's)
// parents, elderly parents living with a married child, single parents, and people living alone.
// Children carry their father's family name; a wife keeps her own.
import type { Sex } from '../people/normalize.ts';
import { MAX_AGE, sampleAge, sampleSex } from './ages.ts';
import { sampleFamilyName } from './names.ts';
import { sample, weighted, type Rng, type Weighted } from './random.ts';

export type Relation = 'head' | 'spouse' | 'child' | 'child_in_law' | 'grandchild' | 'parent' | 'sibling' | 'relative';

export interface PlannedMember {
  age: number;
  sex: Sex;
  relation: Relation;
  familyName: string;
}

/** members[0] is the head of the household. */
export interface PlannedHousehold {
  members: PlannedMember[];
}

interface Person {
  age: number;
  sex: Sex;
  placed: boolean;
}

interface Unit {
  head: Person;
  spouse: Person | null;
  children: Person[];
  /** Nieces, nephews or grandchildren taken in when no parent of the right age lives in the commune. */
  relatives: Person[];
  /** How many children the couple has (at home), a soft cap when children are placed. */
  wants: number;
  /** A married child's family living in this household (three generations, the older one heads). */
  young: Unit | null;
  /** Elderly parents (a couple or a widowed parent) living in this couple's household. */
  elders: Unit | null;
  /** Whose child the married child of `young` / `elders` is. */
  side: 'husband' | 'wife';
  /** Lives in another unit's household. */
  joined: boolean;
}

/** Share of men of an age who live with a wife. */
function marriedShare(age: number): number {
  if (age < 18) return 0;
  if (age < 20) return 0.03;
  if (age < 22) return 0.12;
  if (age < 25) return 0.35;
  if (age < 28) return 0.62;
  if (age < 30) return 0.75;
  if (age < 35) return 0.86;
  if (age < 60) return 0.92;
  if (age < 70) return 0.88;
  if (age < 80) return 0.75;
  return 0.55;
}

/** Share of unmarried young people who live with their parents (the rest live alone or have moved away). */
function withParentsShare(age: number, sex: Sex): number {
  if (age < 18) return 1;
  if (age < 25) return sex === 'M' ? 0.92 : 0.88;
  if (age < 30) return sex === 'M' ? 0.8 : 0.7;
  if (age < 35) return sex === 'M' ? 0.6 : 0.5;
  if (age < 45) return sex === 'M' ? 0.35 : 0.25;
  return 0;
}

/** Share of young couples who live with the parents of one of them (mostly the husband's). */
function withParentsAfterMarriage(husbandAge: number): number {
  if (husbandAge < 30) return 0.6;
  if (husbandAge < 38) return 0.4;
  return 0;
}

/** Share of elderly who live with a married child. */
function withChildShare(unit: Unit): number {
  const age = unit.head.age;
  if (unit.spouse) return age >= 75 ? 0.5 : age >= 65 ? 0.3 : 0;
  return age >= 75 ? 0.7 : age >= 65 ? 0.55 : age >= 60 ? 0.35 : 0;
}

/** Children living with a parent who has no spouse at home (widowed, divorced, spouse away). */
function singleWants(p: Person): Weighted<number> {
  if (p.age < 25) return SINGLE_WANTS.young;
  if (p.age >= 60) return SINGLE_WANTS.old;
  return p.sex === 'F' ? SINGLE_WANTS.mother : SINGLE_WANTS.father;
}
const SINGLE_WANTS = {
  young: weighted([[0, 85], [1, 15]] as const),
  mother: weighted([[0, 30], [1, 40], [2, 25], [3, 5]] as const),
  father: weighted([[0, 65], [1, 25], [2, 10]] as const),
  old: weighted([[0, 65], [1, 35]] as const),
};

/** Husband minus wife, in years: most wives are 0–5 years younger. */
const WIFE_OFFSETS = [2, 3, 1, 4, 0, 5, 6, -1, 7, 8, -2, 9, 10];

/** Mother's age at a child's birth. */
const MOTHER_GAP = weighted(
  [
    [19, 2], [20, 4], [21, 5], [22, 6], [23, 7], [24, 8], [25, 8], [26, 8], [27, 8], [28, 7], [29, 7], [30, 6],
    [31, 5], [32, 5], [33, 4], [34, 3], [35, 3], [36, 2], [37, 2], [38, 1], [39, 1], [40, 0.5], [41, 0.5], [42, 0.3],
  ] as const,
);
const MIN_MOTHER_GAP = 19;
const MAX_MOTHER_GAP = 44;

const MAX_CHILDREN = 7;

/** Children a couple has at home (before the age windows thin them out). */
const WANTS = weighted([[0, 5], [1, 20], [2, 48], [3, 18], [4, 7], [5, 2]] as const);

/** Age of a parent minus the age of the married child they live with. */
const ELDER_GAP = weighted(
  [[21, 2], [23, 4], [25, 7], [27, 9], [29, 9], [31, 8], [33, 6], [35, 5], [37, 3], [39, 2], [42, 1]] as const,
);

export function planHouseholds(rng: Rng, size: number, familyNames: Weighted<string>): PlannedHousehold[] {
  const people: Person[] = Array.from({ length: size }, () => {
    const age = sampleAge(rng);
    return { age, sex: sampleSex(rng, age), placed: false };
  });
  const byAge = (sex: Sex) => {
    const buckets: Person[][] = Array.from({ length: MAX_AGE + 1 }, () => []);
    for (const p of people) if (p.sex === sex) buckets[p.age].push(p);
    return buckets;
  };
  const women = byAge('F');
  const units: Unit[] = [];
  const newUnit = (head: Person, spouse: Person | null): Unit => {
    head.placed = true;
    if (spouse) spouse.placed = true;
    const u: Unit = { head, spouse, children: [], relatives: [], wants: 0, young: null, elders: null, side: 'husband', joined: false };
    units.push(u);
    return u;
  };

  // 1. Couples. Parents are found by the mother's age (a single father's age stands in a little lower).
  const parentsByAge: Unit[][] = Array.from({ length: MAX_AGE + 1 }, () => []);
  const couplesByWifeAge: Unit[][] = Array.from({ length: MAX_AGE + 1 }, () => []);
  const couplesByHusbandAge: Unit[][] = Array.from({ length: MAX_AGE + 1 }, () => []);
  for (const man of people) {
    if (man.sex !== 'M' || !rng.chance(marriedShare(man.age))) continue;
    for (const off of WIFE_OFFSETS) {
      const age = man.age - off;
      if (age < 18 || age > MAX_AGE || !women[age].length) continue;
      const u = newUnit(man, women[age].pop()!);
      u.wants = sample(rng, WANTS);
      couplesByWifeAge[age].push(u);
      couplesByHusbandAge[man.age].push(u);
      parentsByAge[age].push(u);
      break;
    }
  }

  // 2. Unmarried adults who do not live with their parents head their own household, often a
  // single parent's; everyone else (all children) looks for parents in step 3.
  const single = (p: Person) => {
    const u = newUnit(p, null);
    u.wants = sample(rng, singleWants(p));
    parentsByAge[p.sex === 'F' ? p.age : Math.max(0, p.age - 3)].push(u);
    return u;
  };
  const seekers: Person[] = [];
  for (const p of people) {
    if (p.placed) continue;
    if (p.age < 18 || rng.chance(withParentsShare(p.age, p.sex))) seekers.push(p);
    else single(p);
  }

  // 3. Children and unmarried young adults with their parents.
  const findParents = (childAge: number, pass: number): Unit | null => {
    const lo = childAge + MIN_MOTHER_GAP;
    const hi = Math.min(childAge + MAX_MOTHER_GAP, MAX_AGE);
    return findUnit(rng, parentsByAge, childAge + sample(rng, MOTHER_GAP), pass === 0 ? 3 : MAX_MOTHER_GAP - MIN_MOTHER_GAP, (age) => age >= lo && age <= hi, (u) => {
      if (u.children.length >= MAX_CHILDREN) return 'drop';
      if (u.children.length >= (pass === 0 ? u.wants : pass === 1 ? u.wants + 1 : MAX_CHILDREN)) return 'skip';
      // Siblings are born at least a year apart: their ages differ by two years or more.
      return u.children.some((c) => Math.abs(c.age - childAge) < 2) ? 'skip' : 'fit';
    }, pass === 0 ? 16 : Infinity); // the first pass samples: big communes have hundreds of couples per age
  };
  const orphans: Person[] = [];
  for (const p of seekers) {
    const u = findParents(p.age, 0) ?? findParents(p.age, 1) ?? findParents(p.age, 2);
    if (u) {
      u.children.push(p);
      p.placed = true;
    } else if (p.age >= 18) single(p);
    else orphans.push(p);
  }

  // 4. Children with no parent of the right age in the commune (it happens in tiny demo communes):
  // taken in by an older relative's household.
  for (const child of orphans) {
    const host = units.find((u) => Math.min(u.head.age, u.spouse?.age ?? MAX_AGE) - child.age >= 18);
    if (host) host.relatives.push(child);
    else {
      // Not one adult old enough: the child becomes a young adult living alone.
      child.age = 18 + rng.int(0, 20);
      newUnit(child, null);
    }
    child.placed = true;
  }

  // 5. Young couples living with the parents of the husband (or, less often, of the wife).
  const seniorsByAge = parentsByAge.map((bucket) => bucket.filter((u) => u.head.age < 70));
  for (const u of units) {
    if (!u.spouse || u.joined || u.young || !rng.chance(withParentsAfterMarriage(u.head.age))) continue;
    const side = rng.chance(0.8) ? 'husband' : 'wife';
    const child = side === 'husband' ? u.head : u.spouse;
    const senior = findUnit(
      rng, seniorsByAge, child.age + sample(rng, MOTHER_GAP), 8,
      (age) => age - child.age >= MIN_MOTHER_GAP && age - child.age <= MAX_MOTHER_GAP,
      (s) => (s === u ? 'skip' : s.young || s.joined ? 'drop' : 'fit'),
    );
    if (!senior) continue;
    senior.young = u;
    senior.side = side;
    u.joined = true;
  }

  // 6. Elderly parents living with a married son (or daughter). Grandparents raising grandchildren
  // keep their own household.
  const elderly = units
    .filter((u) => u.head.age >= 60 && !u.joined && !u.young && !u.relatives.length && u.children.every((c) => c.age >= 18))
    .sort((a, b) => b.head.age - a.head.age);
  for (const e of elderly) {
    if (!rng.chance(withChildShare(e))) continue;
    const side = rng.chance(0.8) ? 'husband' : 'wife';
    // The younger of an elderly couple (usually the mother) bounds the age of their child.
    const parentAge = Math.min(e.head.age, e.spouse?.age ?? MAX_AGE);
    const host = findUnit(
      rng, side === 'husband' ? couplesByHusbandAge : couplesByWifeAge, parentAge - sample(rng, ELDER_GAP), 8,
      (age) => parentAge - age >= MIN_MOTHER_GAP,
      (h) => (h.elders || h.young || h.joined || h.head.age >= 60 ? 'drop' : 'fit'),
    );
    if (!host) continue;
    host.elders = e;
    host.side = side;
    e.joined = true;
  }

  return units.filter((u) => !u.joined).map((u) => toHousehold(rng, u, familyNames));
}

type Fit = 'fit' | 'skip' | 'drop';

/**
 * A unit from the age buckets near `target` (within `reach` years) that fits. Units that can never
 * fit again ('drop') are removed from their bucket, so later searches do not scan them.
 */
function findUnit(
  rng: Rng,
  byAge: Unit[][],
  target: number,
  reach: number,
  ageFits: (age: number) => boolean,
  fits: (u: Unit) => Fit,
  triesPerAge = Infinity,
): Unit | null {
  for (let d = 0; d <= reach; d++) {
    for (let side = d === 0 ? 1 : -1; side <= 1; side += 2) {
      const age = target + side * d;
      if (age < 0 || age > MAX_AGE || !ageFits(age)) continue;
      const bucket = byAge[age];
      let k = bucket.length ? rng.int(0, bucket.length - 1) : 0;
      for (let tried = 0; tried < bucket.length && tried < triesPerAge; ) {
        const u = bucket[k];
        const fit = fits(u);
        if (fit === 'fit') return u;
        if (fit === 'drop') {
          bucket[k] = bucket[bucket.length - 1];
          bucket.pop();
          if (k >= bucket.length) k = 0;
          continue; // the swapped-in unit is now at k; the bucket is one shorter
        }
        tried++;
        k = k + 1 < bucket.length ? k + 1 : 0;
      }
    }
  }
  return null;
}

function toHousehold(rng: Rng, u: Unit, names: Weighted<string>): PlannedHousehold {
  const members: PlannedMember[] = [];
  const add = (p: Person, relation: Relation, familyName: string) => members.push({ age: p.age, sex: p.sex, relation, familyName });
  const headName = sampleFamilyName(rng, names);
  add(u.head, 'head', headName);
  // The name the head's children carry: a man's, or for a woman alone usually their (absent) father's.
  let childName = headName;
  let wifeName = headName;
  if (u.spouse) {
    wifeName = sampleFamilyName(rng, names);
    add(u.spouse, 'spouse', wifeName);
  } else if (u.head.sex === 'F' && !rng.chance(0.35)) childName = sampleFamilyName(rng, names);
  for (const c of u.children) add(c, 'child', childName);
  for (const r of u.relatives) add(r, 'relative', sampleFamilyName(rng, names));
  if (u.young) {
    const y = u.young;
    const husbandName = u.side === 'husband' ? childName : sampleFamilyName(rng, names);
    add(y.head, u.side === 'husband' ? 'child' : 'child_in_law', husbandName);
    if (y.spouse) add(y.spouse, u.side === 'wife' ? 'child' : 'child_in_law', u.side === 'wife' ? childName : sampleFamilyName(rng, names));
    for (const c of y.children) add(c, 'grandchild', husbandName);
    for (const r of y.relatives) add(r, 'relative', sampleFamilyName(rng, names));
  }
  if (u.elders) {
    const e = u.elders;
    const lineage = u.side === 'husband' ? headName : wifeName;
    const elderName = (p: Person) => (p.sex === 'M' ? lineage : sampleFamilyName(rng, names));
    add(e.head, 'parent', elderName(e.head));
    if (e.spouse) add(e.spouse, 'parent', elderName(e.spouse));
    for (const c of e.children) add(c, 'sibling', lineage);
  }
  return { members };
}
