import { describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import { bandOf, computeLevel, type LevelInputs, type LevelNumber } from './engine.ts';
import { DECISION_218, DECISION_4800, DECISION_4800_NOV, RulesetSchema, type Ruleset, type Ruleset218, type Ruleset4800 } from './rulesets.ts';
import { LEVEL_POLICY_DEFINITIONS } from './policies.ts';

const ref = { key: 'levels.ruleset', version: 1, effectiveFrom: '2021-10-12' };
const POP = 100_000;

/** A commune of 100,000 people (so cases = cases per 100,000), high coverage, capacity met. */
function inputs(over: Partial<Omit<LevelInputs, 'coverage' | 'capacity'>> & { coverage?: Partial<LevelInputs['coverage']>; capacity?: Partial<LevelInputs['capacity']> } = {}): LevelInputs {
  return {
    unitLevel: 'commune',
    population: POP,
    communityCases: 0,
    quarantineCases: 0,
    oxygenCases: 0,
    deaths: 0,
    ...over,
    coverage: { adults18AtLeastOnePct: 90, over50FullyPct: 95, over65FullyPct: 95, populationFullyPct: 85, ...over.coverage },
    capacity: { oxygenReady: true, careTeams: 20, mobileStations: 1, treatmentPlan: true, treatmentBeds: 100, icuBeds: 10, vacantBeds: 50, bedsPopulation: POP, ...over.capacity },
  };
}
const level = (i: LevelInputs, r: Ruleset) => computeLevel(i, r, ref).level;

describe('bands', () => {
  it('edge values enter the next band (4800: exactly 20, 50, 150 per 100,000)', () => {
    const cuts = DECISION_4800.caseCuts;
    expect([0, 19.99, 20, 49.99, 50, 149.99, 150, 10_000].map((v) => bandOf(v, cuts))).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
  });
  it('218: 450–600 is band 3 with 600 included, above 600 band 4', () => {
    const cuts = DECISION_218.caseCuts;
    expect([89.99, 90, 449.99, 450, 600, 600.01].map((v) => bandOf(v, cuts))).toEqual([1, 2, 2, 3, 3, 4]);
    expect([0, 0.99, 1, 31.99, 32, 40, 40.01].map((v) => bandOf(v, DECISION_218.oxygenCuts))).toEqual([1, 1, 2, 2, 3, 3, 4]);
  });
});

describe('Decision 4800', () => {
  const r = DECISION_4800;
  it('every matrix cell: high coverage → band − 1 (at least 1), low coverage → band', () => {
    const casesForBand = [0, 20, 50, 150];
    const expected = { high: [1, 1, 2, 3], low: [1, 2, 3, 4] };
    for (const [b, cases] of casesForBand.entries()) {
      for (const col of ['high', 'low'] as const) {
        // Full-dose condition met and capacity met: the cell is the level.
        const e = computeLevel(inputs({ communityCases: cases, coverage: { adults18AtLeastOnePct: col === 'high' ? 70 : 69.9 } }), r, ref);
        expect(e.matrix).toMatchObject({ row: b, column: col === 'high' ? 0 : 1, value: expected[col][b] });
        expect(e.level, `band ${b + 1} ${col}`).toBe(expected[col][b]);
        expect(e.adjustments).toEqual([]);
      }
    }
  });
  it('exactly 70 % of adults with one dose is high coverage; 69.99 % is low', () => {
    expect(computeLevel(inputs({ communityCases: 20, coverage: { adults18AtLeastOnePct: 70 } }), r, ref).criteria.find((c) => c.id === 'c2_first_dose')!.band).toBe('high');
    expect(level(inputs({ communityCases: 20, coverage: { adults18AtLeastOnePct: 70 } }), r)).toBe(1);
    expect(level(inputs({ communityCases: 20, coverage: { adults18AtLeastOnePct: 69.99 } }), r)).toBe(2);
  });
  it('cases found in quarantine do not count (switch counts them)', () => {
    expect(level(inputs({ quarantineCases: 500, coverage: { adults18AtLeastOnePct: 50 } }), r)).toBe(1);
    expect(level(inputs({ quarantineCases: 500, coverage: { adults18AtLeastOnePct: 50 } }), { ...r, countQuarantineCases: true })).toBe(4);
  });
  it('missing the full-dose condition raises by one, not above 4, not without cases', () => {
    const e = computeLevel(inputs({ communityCases: 50, coverage: { over65FullyPct: 79.9 } }), r, ref);
    expect(e.base).toBe(2);
    expect(e.level).toBe(3);
    expect(e.adjustments).toEqual([{ code: 'full_dose_raise', from: 2, to: 3 }]);
    expect(level(inputs({ communityCases: 50, coverage: { over65FullyPct: 80 } }), r)).toBe(2);
    // Already 4: stays 4, nothing applied.
    const top = computeLevel(inputs({ communityCases: 200, coverage: { adults18AtLeastOnePct: 10, over65FullyPct: 10 } }), r, ref);
    expect(top.level).toBe(4);
    expect(top.adjustments).toEqual([]);
    // No cases: exempt, and the explanation says so.
    const none = computeLevel(inputs({ coverage: { over65FullyPct: 10 } }), r, ref);
    expect(none.level).toBe(1);
    expect(none.adjustments).toEqual([{ code: 'full_dose_exempt_no_cases', from: 1, to: 1 }]);
    // Switched off: no raise.
    expect(level(inputs({ communityCases: 50, coverage: { over65FullyPct: 10 } }), { ...r, coverage: { ...r.coverage, fullDoseRaise: false } })).toBe(2);
    // Exemption switched off: a unit without cases is raised too.
    expect(level(inputs({ coverage: { over65FullyPct: 10 } }), { ...r, coverage: { ...r.coverage, fullDoseExemptWithoutCases: false } })).toBe(2);
  });
  it('from November 2021 the full-dose condition reads people 50+', () => {
    const i = inputs({ communityCases: 50, coverage: { over65FullyPct: 95, over50FullyPct: 60 } });
    expect(level(i, r)).toBe(2);
    expect(level(i, DECISION_4800_NOV)).toBe(3);
  });
  it('criterion 3 not met: the level is not lowered below the band; the switch also raises it', () => {
    const noCap = inputs({ communityCases: 50, capacity: { oxygenReady: false } });
    const e = computeLevel(noCap, r, ref);
    expect(e.base).toBe(2);
    expect(e.level).toBe(3);
    expect(e.adjustments).toEqual([{ code: 'capacity_no_lowering', from: 2, to: 3 }]);
    const raise: Ruleset4800 = { ...r, capacity: { ...r.capacity, whenNotMet: 'raise_one' } };
    expect(computeLevel(noCap, raise, ref).adjustments.map((a) => a.code)).toEqual(['capacity_no_lowering', 'capacity_raise']);
    expect(level(noCap, raise)).toBe(4);
    // Low coverage: band = level already, nothing to block; raise_one still raises.
    expect(level(inputs({ communityCases: 50, coverage: { adults18AtLeastOnePct: 10 }, capacity: { careTeams: 0 } }), r)).toBe(3);
    expect(level(inputs({ communityCases: 50, coverage: { adults18AtLeastOnePct: 10 }, capacity: { careTeams: 0 } }), raise)).toBe(4);
  });
  it('criterion 3 by level of government; nothing entered follows unknownAs', () => {
    const district = inputs({ unitLevel: 'district', communityCases: 20, capacity: { mobileStations: 0 } });
    expect(level(district, r)).toBe(2);
    expect(level({ ...district, capacity: { ...district.capacity, mobileStations: 2 } }, r)).toBe(1);
    const province = inputs({ unitLevel: 'province', communityCases: 20, capacity: { icuBeds: 0 } });
    expect(level(province, r)).toBe(2);
    const unknown = inputs({ communityCases: 20, capacity: { oxygenReady: null, careTeams: null } });
    const e = computeLevel(unknown, r, ref);
    expect(e.level).toBe(2);
    expect(e.missing).toContain('capacity');
    expect(e.inputs.sources['capacity.oxygenReady']).toBe('missing');
    expect(level(unknown, { ...r, capacity: { ...r.capacity, unknownAs: 'met' } })).toBe(1);
  });
  it('missing coverage is treated as low and named', () => {
    const e = computeLevel(inputs({ communityCases: 20, coverage: { adults18AtLeastOnePct: null } }), r, ref);
    expect(e.level).toBe(2);
    expect(e.missing).toEqual(['coverage.adults18AtLeastOnePct']);
  });
  it('rates use the population; no population gives no level', () => {
    expect(computeLevel(inputs({ population: 5000, communityCases: 1 }), r, ref).criteria[0]).toMatchObject({ value: 20, band: 2 });
    expect(computeLevel(inputs({ population: 0, communityCases: 3 }), r, ref)).toMatchObject({ level: null, reason: 'no_population' });
  });
  it('the explanation names the ruleset version and the sources of manual inputs', () => {
    const e = computeLevel({ ...inputs({ communityCases: 20 }), sources: { communityCases: 'manual' } }, r, { ...ref, version: 7 });
    expect(e.ruleset).toMatchObject({ key: 'levels.ruleset', version: 7, name: { vi: 'Quyết định 4800/QĐ-BYT' } });
    expect(e.inputs.sources.communityCases).toBe('manual');
    expect(e.inputs.sources.deaths).toBe('registry');
    expect(e.inputs.sources['capacity.careTeams']).toBe('register');
  });
});

describe('Decision 218', () => {
  const r = DECISION_218;
  /** Capacity column: high (20 teams /10k… 50 beds /100k), medium, low. */
  const capacity = {
    high: { careTeams: 20, vacantBeds: 50 },
    medium: { careTeams: 20, vacantBeds: 20 },
    low: { careTeams: 20, vacantBeds: 5 },
  };
  it('every matrix cell (T2×medium = 2 and T3×high = 2 as confirmed)', () => {
    const casesForT = [0, 90, 450, 601];
    const expected = [
      [1, 1, 2],
      [1, 2, 3],
      [2, 3, 4],
      [3, 4, 4],
    ];
    for (const [t, cases] of casesForT.entries()) {
      for (const [c, col] of (['high', 'medium', 'low'] as const).entries()) {
        const e = computeLevel(inputs({ communityCases: cases, capacity: capacity[col] }), r, ref);
        expect(e.matrix, `T${t + 1} ${col}`).toMatchObject({ row: t, column: c, value: expected[t][c] });
        expect(e.level).toBe(expected[t][c]);
      }
    }
  });
  it('transmission is the higher of 1a and 1b', () => {
    const e = computeLevel(inputs({ communityCases: 10, oxygenCases: 32, capacity: capacity.medium }), r, ref);
    expect(e.criteria.find((c) => c.id === '1a_cases')!.band).toBe(1);
    expect(e.criteria.find((c) => c.id === '1b_oxygen')!.band).toBe(3);
    expect(e.matrix!.row).toBe(2);
    expect(e.level).toBe(3);
    // Absolute oxygen counts when the denominator switch is off.
    expect(computeLevel(inputs({ population: 10_000, oxygenCases: 1, capacity: capacity.medium }), { ...r, oxygenPer100k: false }, ref).criteria[1]).toMatchObject({ value: 1, band: 2 });
  });
  it('coverage below either minimum raises transmission by one (max 4), once', () => {
    const low2a = computeLevel(inputs({ communityCases: 90, coverage: { populationFullyPct: 74.9 }, capacity: capacity.medium }), r, ref);
    expect(low2a.adjustments).toEqual([{ code: 'coverage_raise', from: 2, to: 3 }]);
    expect(low2a.level).toBe(3);
    expect(level(inputs({ communityCases: 90, coverage: { populationFullyPct: 75 }, capacity: capacity.medium }), r)).toBe(2);
    const both = computeLevel(inputs({ communityCases: 90, coverage: { populationFullyPct: 10, over50FullyPct: 10 }, capacity: capacity.medium }), r, ref);
    expect(both.adjustments).toHaveLength(1);
    expect(both.level).toBe(3);
    expect(level(inputs({ communityCases: 90, coverage: { over50FullyPct: 89.9 }, capacity: capacity.medium }), r)).toBe(3);
    expect(level(inputs({ communityCases: 90, coverage: { over50FullyPct: 90 }, capacity: capacity.medium }), r)).toBe(2);
    const top = computeLevel(inputs({ communityCases: 700, coverage: { populationFullyPct: 10 }, capacity: capacity.high }), r, ref);
    expect(top.adjustments).toEqual([]);
    expect(top.matrix!.row).toBe(3);
    // The high-risk group is a parameter (65+).
    const r65: Ruleset218 = { ...r, coverage: { ...r.coverage, highRiskGroup: '65+' } };
    expect(level(inputs({ communityCases: 90, coverage: { over50FullyPct: 10, over65FullyPct: 95 }, capacity: capacity.medium }), r65)).toBe(2);
  });
  it('capacity is the lower of 3a and 3b, with their edges', () => {
    const at = (careTeams: number, vacantBeds: number) => computeLevel(inputs({ communityCases: 90, capacity: { careTeams, vacantBeds } }), r, ref);
    // 3b: exactly 30 is medium (>30 high), exactly 10 medium, below 10 low.
    expect(at(20, 30.01).matrix!.column).toBe(0);
    expect(at(20, 30).matrix!.column).toBe(1);
    expect(at(20, 10).matrix!.column).toBe(1);
    expect(at(20, 9.99).matrix!.column).toBe(2);
    // 3a: 10 teams per 100,000 = 1 per 10,000 is high; 5 = 0.5 medium; below low.
    expect(at(10, 50).matrix!.column).toBe(0);
    expect(at(9, 50).matrix!.column).toBe(1);
    expect(at(5, 50).matrix!.column).toBe(1);
    expect(at(4, 50).matrix!.column).toBe(2);
    expect(at(4, 50).criteria.find((c) => c.id === '3a_care_teams')).toMatchObject({ value: 0.4, band: 'low' });
    // Missing inputs: low, named.
    const missing = computeLevel(inputs({ communityCases: 90, capacity: { careTeams: null } }), r, ref);
    expect(missing.matrix!.column).toBe(2);
    expect(missing.missing).toContain('capacity.careTeams');
  });
  it('3b reads the district: vacant beds per 100,000 of the area given', () => {
    const e = computeLevel(inputs({ population: 10_000, communityCases: 9, capacity: { careTeams: 5, vacantBeds: 40, bedsPopulation: 200_000 } }), r, ref);
    expect(e.criteria.find((c) => c.id === '3b_vacant_beds')).toMatchObject({ value: 20, band: 'medium' });
  });
  it('3c ICU (switch): short of ICU beds lowers capacity one step', () => {
    const icuOn: Ruleset218 = { ...r, capacity: { ...r.capacity, icuEnabled: true } };
    expect(computeLevel(inputs({ communityCases: 90, capacity: { ...capacity.high, icuBeds: 3 } }), icuOn, ref).matrix!.column).toBe(1);
    expect(computeLevel(inputs({ communityCases: 90, capacity: { ...capacity.high, icuBeds: 4 } }), icuOn, ref).matrix!.column).toBe(0);
    expect(computeLevel(inputs({ communityCases: 90, capacity: { ...capacity.high, icuBeds: 3 } }), r, ref).matrix!.column).toBe(0);
  });
  it('1c deaths (switch): above the threshold, transmission at least the minimum level', () => {
    const on: Ruleset218 = { ...r, deaths: { ...r.deaths, enabled: true } };
    const e = computeLevel(inputs({ deaths: 7, capacity: capacity.high }), on, ref);
    expect(e.adjustments).toEqual([{ code: 'deaths_min_level', from: 1, to: 4 }]);
    expect(e.level).toBe(3);
    expect(computeLevel(inputs({ deaths: 6, capacity: capacity.high }), on, ref).adjustments).toEqual([]);
    expect(computeLevel(inputs({ deaths: 7, capacity: capacity.high }), r, ref).adjustments).toEqual([]);
  });
});

/** A small seeded generator (mulberry32): reproducible property runs without a dependency. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomInputs(rand: () => number): LevelInputs {
  const pick = <T,>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const maybe = <T,>(x: T) => (rand() < 0.1 ? null : x);
  const pct = () => maybe(Math.round(rand() * 1000) / 10);
  const population = 500 + Math.floor(rand() * 300_000);
  return {
    unitLevel: pick(['province', 'district', 'commune', 'village'] as const),
    population,
    communityCases: Math.floor(rand() ** 3 * population * 0.01),
    quarantineCases: Math.floor(rand() * 100),
    oxygenCases: Math.floor(rand() ** 3 * population * 0.001),
    deaths: Math.floor(rand() ** 4 * 50),
    coverage: { adults18AtLeastOnePct: pct(), over50FullyPct: pct(), over65FullyPct: pct(), populationFullyPct: pct() },
    capacity: {
      oxygenReady: maybe(rand() < 0.7),
      careTeams: maybe(Math.floor(rand() * 40)),
      mobileStations: maybe(Math.floor(rand() * 3)),
      treatmentPlan: maybe(rand() < 0.7),
      treatmentBeds: maybe(Math.floor(rand() * 500)),
      icuBeds: maybe(Math.floor(rand() * 20)),
      vacantBeds: maybe(Math.floor(rand() * 200)),
      bedsPopulation: population * (1 + Math.floor(rand() * 5)),
    },
  };
}

const VARIANTS: [string, Ruleset][] = [
  ['4800', DECISION_4800],
  ['4800 Nov', DECISION_4800_NOV],
  ['4800 raise_one, unknown met', { ...DECISION_4800, capacity: { whenNotMet: 'raise_one', unknownAs: 'met' }, countQuarantineCases: true }],
  ['218', DECISION_218],
  ['218 ICU + deaths + absolute oxygen', { ...DECISION_218, oxygenPer100k: false, deaths: { ...DECISION_218.deaths, enabled: true }, capacity: { ...DECISION_218.capacity, icuEnabled: true } }],
];

describe('properties (seeded)', () => {
  for (const [name, r] of VARIANTS) {
    it(`${name}: more cases never lowers the level; more coverage never raises it`, () => {
      const rand = rng(20211012 + name.length);
      for (let n = 0; n < 2000; n++) {
        const i = randomInputs(rand);
        const l0 = level(i, r) as LevelNumber;
        expect([1, 2, 3, 4]).toContain(l0);
        const more = { ...i, communityCases: i.communityCases + 1 + Math.floor(rand() * 500), oxygenCases: i.oxygenCases + Math.floor(rand() * 30), deaths: i.deaths + Math.floor(rand() * 5) };
        expect(level(more, r), JSON.stringify(i)).toBeGreaterThanOrEqual(l0);
        const up = (v: number | null) => (v == null ? (rand() < 0.5 ? null : rand() * 100) : Math.min(100, v + rand() * 30));
        const cov = { ...i, coverage: { adults18AtLeastOnePct: up(i.coverage.adults18AtLeastOnePct), over50FullyPct: up(i.coverage.over50FullyPct), over65FullyPct: up(i.coverage.over65FullyPct), populationFullyPct: up(i.coverage.populationFullyPct) } };
        expect(level(cov, r), JSON.stringify(i)).toBeLessThanOrEqual(l0);
      }
    });
  }
});

describe('shipped policy versions', () => {
  it('every default ruleset satisfies the schema a province edits against; the versions are dated', () => {
    const def = LEVEL_POLICY_DEFINITIONS.find((d) => d.key === 'levels.ruleset')!;
    expect(def.defaults.map((d) => d.effectiveFrom)).toEqual(['2021-10-12', '2021-11-01', '2022-01-27']);
    for (const d of def.defaults) expect(Value.Check(def.schema, d.value)).toBe(true);
    for (const d of LEVEL_POLICY_DEFINITIONS) for (const v of d.defaults) expect(Value.Check(d.schema, v.value), d.key).toBe(true);
    // A malformed copy is refused: a matrix cell of 5, a missing switch.
    expect(Value.Check(RulesetSchema, { ...DECISION_218, matrix: [[1, 1, 5], [1, 2, 3], [2, 3, 4], [3, 4, 4]] })).toBe(false);
    const { capacity: _c, ...noCapacity } = DECISION_4800;
    expect(Value.Check(RulesetSchema, noCapacity)).toBe(false);
  });
});
