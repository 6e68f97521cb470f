import { describe, expect, it } from 'vitest';
import { capacityMet4800 } from '../levels/engine.ts';
import { planCapacity, type CapacityUnit } from './capacity.ts';

const units: CapacityUnit[] = [
  { code: '20', level: 'province', parentCode: null, population: 780_000 },
  ...Array.from({ length: 10 }, (_, d) => ({ code: `D${d}`, level: 'district' as const, parentCode: '20', population: 78_000 })),
  ...Array.from({ length: 200 }, (_, c) => ({ code: `C${c}`, level: 'commune' as const, parentCode: `D${c % 10}`, population: 3_900 })),
];

describe('demo capacity register', () => {
  const plan = planCapacity(units, 2021);
  const byCode = new Map(plan.map((p) => [p.unitCode, p]));

  it('enters every unit once, the same for the same seed, another for another', () => {
    expect(plan).toHaveLength(units.length);
    expect(new Set(plan.map((p) => p.unitCode)).size).toBe(units.length);
    expect(planCapacity(units, 2021)).toEqual(plan);
    expect(planCapacity(units, 7)).not.toEqual(plan);
  });

  it('lets most communes and districts meet criterion 3 of Decision 4800, not all', () => {
    const communes = plan.filter((p) => p.unitCode.startsWith('C'));
    const met = communes.filter((p) => capacityMet4800('commune', { ...p, bedsPopulation: null })).length;
    expect(met).toBeGreaterThan(communes.length * 0.8);
    expect(met).toBeLessThan(communes.length);
    for (const p of communes) expect(p.careTeams).toBeGreaterThanOrEqual(1);
    const districts = plan.filter((p) => p.unitCode.startsWith('D'));
    expect(districts.filter((p) => capacityMet4800('district', { ...p, bedsPopulation: null })).length).toBeGreaterThan(districts.length / 2);
    expect(capacityMet4800('province', { ...byCode.get('20')!, bedsPopulation: null })).toBe(true);
  });

  it('enters only what each unit has of its own (the register adds the units under it), free beds within the beds', () => {
    const districts = plan.filter((p) => p.unitCode.startsWith('D'));
    const province = byCode.get('20')!;
    for (const d of districts) expect(d.careTeams).toBe(0);
    expect(province.careTeams).toBe(0);
    expect(province.treatmentBeds!).toBeLessThan(districts.reduce((s, p) => s + p.treatmentBeds!, 0));
    for (const p of [...districts, province]) {
      expect(p.vacantBeds!).toBeLessThanOrEqual(p.treatmentBeds!);
      expect(p.icuBeds!).toBeGreaterThan(0);
    }
  });
});
