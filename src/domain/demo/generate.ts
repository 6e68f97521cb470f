// The synthetic population of one commune at a time: households with their villages and addresses,
// and people with names, birth dates, CCCD and phone numbers. Deterministic: the same seed, date and
// order of communes give the same population.
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
    const rng = createRng(hashSeed(this.opts.seed, 'people', c.code));
    const villages = weighted(c.villages.map((v) => [v, 0.6 + 0.8 * rng.next()] as const));
    const place = [c.name, c.districtName].filter(Boolean).join(', ');
    return planHouseholds(rng, people, this.familyNames).map((plan, i) => {
      const village = sample(rng, villages);
      const street = c.kind === 'rural' ? '' : `Số ${rng.int(1, 250)}, `;
      const names = new Set<string>();
      const members = plan.members.map((m) => this.person(rng, m.familyName, m.age, m.sex, m.relation, names));
      shareHouseholdPhone(rng, members, plan.members.map((m) => m.age));
      return {
        id: `${c.code}-H${String(i + 1).padStart(5, '0')}`,
        villageCode: village.code,
        address: `${street}${village.name}, ${place}`,
        members,
      };
    });
  }

  private person(rng: Rng, familyName: string, age: number, sex: Sex, relation: Relation, taken: Set<string>): DemoPerson {
    const birthDate = birthDateForAge(rng, age, this.opts.asOf);
    const birthYear = Number(birthDate.slice(0, 4));
    // No two members of a household share a name, even without diacritics (Hoa, Hòa).
    let [middle, given] = personalName(rng, sex, birthYear);
    while (taken.has(this.key(middle) + ' ' + this.key(given))) [middle, given] = personalName(rng, sex, birthYear);
    taken.add(this.key(middle) + ' ' + this.key(given));
    return {
      fullName: `${familyName} ${middle} ${given}`,
      nameSearch: `${this.key(familyName)} ${this.key(middle)} ${this.key(given)}`,
      birthDate,
      sex,
      cccd: rng.chance(cccdShare(age)) ? this.cccd.next(birthProvince(rng, this.opts.provinceCode, age), birthYear, sex) : null,
      phone: rng.chance(phoneShare(age)) ? this.phones.next(rng) : null,
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
