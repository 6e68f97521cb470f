// The synthetic population of one commune at a time: households with their villages and addresses,
// and people with names, birth dates, CCCD and phone numbers. Deterministic: the same seed and order
// of communes give the same households, villages, addresses and phones whatever the date; the date
// moves birth dates (ages are counted to it) and with them the CCCD numbers, which encode the birth
// year, and the names of households where someone's birth year changes the fashion of middle names.
//
// Each household draws from random streams of its own (derived from the seed and the household id):
// one for its village, address and every draw whose count does not depend on the date, one for its
// members' names. How many numbers a name takes depends on the date (the birth year chooses the
// table of middle names, and a name drawn twice is drawn again), so when one stream served a whole
// commune the date shifted the villages, addresses and names of every household after the first
// name it touched: a demo built on another day had other household counts per village.
import { searchKey, type Sex } from '../people/normalize.ts';
import { birthDateForAge } from './ages.ts';
import { planHouseholds, type Relation } from './households.ts';
import { birthProvince, CccdAllocator, cccdShare, PhoneAllocator, phoneShare } from './identity.ts';
import { familyNameTable, personalName } from './names.ts';
import { createRng, hashSeed, sample, weighted, type Rng, type Weighted } from './random.ts';
import type { CommuneKind, Village } from './territory.ts';

export interface DemoCommune {
  code: string;
  name: string;
  kind: CommuneKind;
  /** Name of the district above it (three-level structure), for addresses. */
  districtName: string | null;
  villages: Village[];
}

export interface DemoPerson {
  fullName: string;
  /** searchKey(fullName). */
  nameSearch: string;
  birthDate: string;
  sex: Sex;
  cccd: string | null;
  phone: string | null;
  /** Relation to the head of the household (not stored: the registry has no column for it). */
  relation: Relation;
}

export interface DemoHousehold {
  id: string;
  villageCode: string;
  address: string;
  members: DemoPerson[];
}

export interface GeneratorOptions {
  provinceCode: string;
  seed: number;
  /** ISO date the ages are counted to. */
  asOf: string;
}

export class PopulationGenerator {
  private readonly cccd: CccdAllocator;
  private readonly phones: PhoneAllocator;
  private readonly familyNames: Weighted<string>;
  private readonly keys = new Map<string, string>();

  constructor(private readonly opts: GeneratorOptions) {
    this.cccd = new CccdAllocator(opts.seed);
    this.phones = new PhoneAllocator(opts.seed);
    this.familyNames = familyNameTable(opts.provinceCode);
  }

  /**
   * The households of a commune with `people` inhabitants. CCCD and phone numbers are handed out in
   * sequence, so the same population needs the same order of communes.
   */
  commune(c: DemoCommune, people: number): DemoHousehold[] {
    if (!c.villages.length) throw new Error(`commune ${c.code} has no villages`);
    // The plan (who lives with whom, ages, sexes, family names) takes no date: one stream for the commune.
    const rng = createRng(hashSeed(this.opts.seed, 'people', c.code));
    const villages = weighted(c.villages.map((v) => [v, 0.6 + 0.8 * rng.next()] as const));
    const place = [c.name, c.districtName].filter(Boolean).join(', ');
    return planHouseholds(rng, people, this.familyNames).map((plan, i) => {
      const id = `${c.code}-H${String(i + 1).padStart(5, '0')}`;
      const own = createRng(hashSeed(this.opts.seed, 'household', id));
      const nameRng = createRng(hashSeed(this.opts.seed, 'names', id));
      const village = sample(own, villages);
      const street = c.kind === 'rural' ? '' : `Số ${own.int(1, 250)}, `;
      const names = new Set<string>();
      const members = plan.members.map((m) => this.person(own, nameRng, m.familyName, m.age, m.sex, m.relation, names));
      shareHouseholdPhone(own, members, plan.members.map((m) => m.age));
      return { id, villageCode: village.code, address: `${street}${village.name}, ${place}`, members };
    });
  }

  /**
   * `rng` serves draws whose count depends on nothing but the age (CCCD and phone holders, where the
   * birth was registered, the phone network, the day of birth); `nameRng` the names, whose count
   * depends on the birth year.
   */
  private person(rng: Rng, nameRng: Rng, familyName: string, age: number, sex: Sex, relation: Relation, taken: Set<string>): DemoPerson {
    const hasCccd = rng.chance(cccdShare(age));
    const origin = birthProvince(rng, this.opts.provinceCode, age);
    const phone = rng.chance(phoneShare(age)) ? this.phones.next(rng) : null;
    const birthDate = birthDateForAge(rng, age, this.opts.asOf);
    const birthYear = Number(birthDate.slice(0, 4));
    // No two members of a household share a name, even without diacritics (Hoa, Hòa).
    let [middle, given] = personalName(nameRng, sex, birthYear);
    while (taken.has(this.key(middle) + ' ' + this.key(given))) [middle, given] = personalName(nameRng, sex, birthYear);
    taken.add(this.key(middle) + ' ' + this.key(given));
    return {
      fullName: `${familyName} ${middle} ${given}`,
      nameSearch: `${this.key(familyName)} ${this.key(middle)} ${this.key(given)}`,
      birthDate,
      sex,
      cccd: hasCccd ? this.cccd.next(origin, birthYear, sex) : null,
      phone,
      relation,
    };
  }

  /** Search keys of the (few hundred) name parts, computed once. */
  private key(part: string): string {
    let key = this.keys.get(part);
    if (key === undefined) {
      key = searchKey(part);
      this.keys.set(part, key);
    }
    return key;
  }
}

/** People without a phone of their own are often registered with the household's contact number. */
function shareHouseholdPhone(rng: Rng, members: DemoPerson[], ages: number[]) {
  const contact = members.find((m) => m.phone)?.phone;
  if (!contact) return;
  members.forEach((m, i) => {
    if (!m.phone && rng.chance(ages[i] >= 15 ? 0.5 : 0.15)) m.phone = contact;
  });
}
