import { describe, expect, it } from 'vitest';
import { normalizePhone, searchKey, validateCccd } from '../people/normalize.ts';
import { ageOn } from './ages.ts';
import { PopulationGenerator, type DemoCommune, type DemoHousehold } from './generate.ts';
import { villagesOf } from './territory.ts';

const AS_OF = '2025-11-24';
const communes: DemoCommune[] = [
  { code: '05971', name: 'Phường Hoàng Văn Thụ', kind: 'ward', districtName: 'Thành phố Lạng Sơn', villages: [] },
  { code: '06010', name: 'Thị trấn Đồng Đăng', kind: 'town', districtName: 'Huyện Cao Lộc', villages: [] },
  { code: '06028', name: 'Xã Mai Pha', kind: 'rural', districtName: 'Thành phố Lạng Sơn', villages: [] },
];
for (const c of communes) c.villages = villagesOf(c, 6000, '20', 2021);

function generate(seed = 2021, sizes = [4000, 3000, 5000]): DemoHousehold[][] {
  const g = new PopulationGenerator({ provinceCode: '20', seed, asOf: AS_OF });
  return communes.map((c, i) => g.commune(c, sizes[i]));
}

const byCommune = generate();
const households = byCommune.flat();
const people = households.flatMap((h) => h.members);
const age = (birthDate: string) => ageOn(birthDate, AS_OF);

describe('PopulationGenerator', () => {
  it('is deterministic: the same seed gives the same population', () => {
    expect(generate()).toEqual(byCommune);
    expect(generate(2022)).not.toEqual(byCommune);
  });

  it('builds the same households whatever day the demo is made on (only birth dates, CCCD and some names move)', () => {
    // A demo made years later: the same ages on that day, so everyone is born later. The birth year
    // chooses the fashion of middle names, which takes a different count of random numbers; that must
    // not move anyone else's village, address or phone (it did when a commune shared one stream).
    const later = '2031-06-15';
    const g = new PopulationGenerator({ provinceCode: '20', seed: 2021, asOf: later });
    const other = communes.map((c, i) => g.commune(c, [4000, 3000, 5000][i])).flat();
    const digest = (hh: DemoHousehold[], asOf: string) =>
      hh.map((h) => ({
        id: h.id,
        village: h.villageCode,
        address: h.address,
        members: h.members.map((m) => [m.sex, m.relation, ageOn(m.birthDate, asOf), m.phone, m.cccd !== null].join('|')),
      }));
    expect(digest(other, later)).toEqual(digest(households, AS_OF));
    const perVillage = (hh: DemoHousehold[]) => hh.reduce((m, h) => m.set(h.villageCode, (m.get(h.villageCode) ?? 0) + 1), new Map<string, number>());
    expect(perVillage(other)).toEqual(perVillage(households));
    // Names move only in households where someone's birth year crosses the change of fashion.
    const sameNames = other.filter((h, i) => h.members.every((m, k) => m.fullName === households[i].members[k].fullName)).length;
    expect(sameNames / households.length).toBeGreaterThan(0.8);
  });

  it('generates the requested number of people', () => {
    expect(byCommune.map((hh) => hh.reduce((s, h) => s + h.members.length, 0))).toEqual([4000, 3000, 5000]);
  });

  it('gives households unique ids and villages of their own commune', () => {
    expect(new Set(households.map((h) => h.id)).size).toBe(households.length);
    byCommune.forEach((hh, i) => {
      const codes = new Set(communes[i].villages.map((v) => v.code));
      for (const h of hh) {
        expect(h.id.startsWith(communes[i].code + '-H')).toBe(true);
        expect(codes.has(h.villageCode)).toBe(true);
      }
      expect(new Set(hh.map((h) => h.villageCode)).size).toBe(codes.size); // every village is lived in
    });
  });

  it('writes addresses as village, commune, district', () => {
    const rural = byCommune[2][0];
    const village = communes[2].villages.find((v) => v.code === rural.villageCode)!;
    expect(rural.address).toBe(`${village.name}, Xã Mai Pha, Thành phố Lạng Sơn`);
    expect(byCommune[0][0].address).toMatch(/^Số \d+, Tổ dân phố \d+, Phường Hoàng Văn Thụ, Thành phố Lạng Sơn$/);
  });

  it('gives every CCCD that agrees with the birth date and sex, unique', () => {
    const cccds = people.filter((p) => p.cccd);
    expect(cccds.filter((p) => !validateCccd(p.cccd!, { birthDate: p.birthDate, sex: p.sex }).ok)).toEqual([]);
    expect(new Set(cccds.map((p) => p.cccd)).size).toBe(cccds.length);
    expect(cccds.filter((p) => p.cccd!.startsWith('020')).length / cccds.length).toBeGreaterThan(0.85);
  });

  it('gives a CCCD to everyone from 14 and to only some younger children', () => {
    const adults = people.filter((p) => age(p.birthDate) >= 14);
    const children = people.filter((p) => age(p.birthDate) < 14);
    expect(adults.filter((p) => p.cccd).length / adults.length).toBeGreaterThan(0.95);
    const childShare = children.filter((p) => p.cccd).length / children.length;
    expect(childShare).toBeGreaterThan(0.02);
    expect(childShare).toBeLessThan(0.25);
  });

  it('gives valid mobile numbers to most adults, some shared within a household', () => {
    expect(people.filter((p) => p.phone && normalizePhone(p.phone) !== p.phone)).toEqual([]);
    const adults = people.filter((p) => age(p.birthDate) >= 18);
    expect(adults.filter((p) => p.phone).length / adults.length).toBeGreaterThan(0.85);
    const owners = new Map<string, Set<string>>();
    for (const h of households) for (const p of h.members) if (p.phone) owners.set(p.phone, (owners.get(p.phone) ?? new Set()).add(h.id));
    expect([...owners.values()].filter((hh) => hh.size > 1)).toEqual([]); // never across households
    const shared = households.filter((h) => new Set(h.members.map((m) => m.phone).filter(Boolean)).size < h.members.filter((m) => m.phone).length);
    expect(shared.length).toBeGreaterThan(households.length * 0.05);
  });

  it('writes names in NFC with their search key, unique within a household', () => {
    for (const p of people) {
      expect(p.fullName).toBe(p.fullName.normalize('NFC'));
      expect(p.fullName.split(' ').length).toBeGreaterThanOrEqual(3);
      expect(p.nameSearch).toBe(searchKey(p.fullName));
    }
    for (const h of households) expect(new Set(h.members.map((m) => m.nameSearch)).size).toBe(h.members.length);
  });

  it('makes children younger than their parents, sharing their father\'s family name', () => {
    const wrong: DemoHousehold[] = [];
    for (const h of households) {
      const [head] = h.members;
      const spouse = h.members.find((m) => m.relation === 'spouse');
      const family = (name: string) => name.split(' ')[0];
      for (const c of h.members.filter((m) => m.relation === 'child')) {
        if (age(head.birthDate) - age(c.birthDate) < 15) wrong.push(h);
        if (spouse && (age(spouse.birthDate) - age(c.birthDate) < 15 || family(c.fullName) !== family(head.fullName))) wrong.push(h);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('keeps a realistic household size and sex ratio', () => {
    const mean = people.length / households.length;
    expect(mean).toBeGreaterThan(3.3);
    expect(mean).toBeLessThan(3.7);
    const men = people.filter((p) => p.sex === 'M').length / people.length;
    expect(men).toBeGreaterThan(0.46);
    expect(men).toBeLessThan(0.52);
  });
});
