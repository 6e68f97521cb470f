import { describe, expect, it } from 'vitest';
import { addDays } from '../cases/dates.ts';
import { DEMO_VACCINATION_ANCHOR, communePace, planVaccination, type VaccHousehold } from './vaccination.ts';

const today = '2026-12-01';
const communes = ['00001', '00002', '00003', '00004'].map((code, i) => ({ code, name: `Xã ${i + 1}`, path: `20/1${i % 2}/${code}/`, districtCode: `1${i % 2}`, districtPath: `20/1${i % 2}/` }));
const households: VaccHousehold[] = Array.from({ length: 400 }, (_, h) => ({
  id: `H${h}`,
  communeCode: communes[h % 4].code,
  members: Array.from({ length: 4 }, (_, m) => ({ id: h * 4 + m + 1, birthDate: addDays(today, -365.25 * ((h * 7 + m * 23) % 90) - 40), unitPath: communes[h % 4].path })),
}));
const input = { today, seed: 2021, communes, households };

describe('demo vaccination plan', () => {
  it('is the same for the same seed and differs for another', () => {
    expect(planVaccination(input)).toEqual(planVaccination(input));
    expect(planVaccination({ ...input, seed: 3 }).doses).not.toEqual(planVaccination(input).doses);
  });
  it('places the history so today stands for 10/01/2022, with the campaign running to 23/01/2022', () => {
    const p = planVaccination(input);
    expect(p.shift).toBe(Math.round((Date.parse(today) - Date.parse(DEMO_VACCINATION_ANCHOR)) / 86_400_000));
    expect(p.campaign).toMatchObject({ deadline: addDays(today, 13), startsOn: addDays(today, -24), target: { minAge: 18, doseKind: 'booster_1' } });
    expect(p.doses.every((d) => d.givenOn <= today)).toBe(true);
    expect(p.firstDay! >= addDays(today, -179)).toBe(true);
  });
  it('gives nobody under 12 a dose, second doses after the product interval, boosters at least 3 months after the series', () => {
    const p = planVaccination(input);
    const birth = new Map(households.flatMap((h) => h.members.map((m) => [m.id, m.birthDate!])));
    const byPerson = new Map<number, typeof p.doses>();
    for (const d of p.doses) byPerson.set(d.personId, [...(byPerson.get(d.personId) ?? []), d]);
    const minDays: Record<string, number> = { astrazeneca: 56, pfizer: 21, moderna: 28, vero_cell: 21, sputnik_v: 21 };
    for (const [id, doses] of byPerson) {
      const first = doses.find((d) => d.kind === 'primary_1')!;
      expect(Date.parse(first.givenOn) - Date.parse(birth.get(id)!)).toBeGreaterThan(12 * 365 * 86_400_000);
      const second = doses.find((d) => d.kind === 'primary_2');
      if (second) expect((Date.parse(second.givenOn) - Date.parse(first.givenOn)) / 86_400_000).toBeGreaterThanOrEqual(minDays[first.productCode]);
      const booster = doses.find((d) => d.kind === 'booster_1');
      if (booster) expect((Date.parse(booster.givenOn) - Date.parse((second ?? first).givenOn)) / 86_400_000).toBeGreaterThanOrEqual(89);
    }
    expect(p.doses.some((d) => d.kind === 'booster_1')).toBe(true);
  });
  it('gives communes their own pace, refusals with reasons, lots covering their doses and allocations within their lots', () => {
    const paces = communes.map((c) => communePace(2021, c.code).uptake);
    expect(new Set(paces).size).toBe(4);
    const p = planVaccination(input);
    expect(p.visits.some((v) => v.outcome === 'refused' && v.reason)).toBe(true);
    for (const lot of p.lots) {
      const used = p.doses.filter((d) => d.lotKey === lot.key).length;
      expect(lot.dosesReceived).toBeGreaterThanOrEqual(used);
      const districts = p.allocations.filter((a) => a.lotKey === lot.key && !a.parentUnitCode);
      expect(districts.reduce((s, a) => s + a.doses, 0)).toBeLessThanOrEqual(lot.dosesReceived);
      for (const d of districts) expect(p.allocations.filter((a) => a.lotKey === lot.key && a.parentUnitCode === d.unitCode).reduce((s, a) => s + a.doses, 0)).toBeLessThanOrEqual(d.doses);
    }
  });
});
