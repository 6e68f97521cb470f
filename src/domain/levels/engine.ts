// The epidemic-level engine (domain.md §3): a unit's own aggregate figures + the ruleset in force
// → level 1–4 with the full explanation an officer defends it with (inputs and where each came
// from, the band of every criterion, the matrix cell, every adjustment, the ruleset version).
// Pure: no database, no clock.
import type { Cut, Ruleset, Ruleset218, Ruleset4800 } from './rulesets.ts';

export type LevelNumber = 1 | 2 | 3 | 4;
export type UnitLevel = 'province' | 'district' | 'commune' | 'village';
/** Where an input came from: computed from the registries, entered by hand, the capacity register, the parent unit's figure (a village reads its commune's coverage), or nothing. */
export type Source = 'registry' | 'manual' | 'register' | 'parent' | 'missing';

export interface LevelInputs {
  unitLevel: UnitLevel;
  population: number;
  /** Sums over the ruleset's window ending on the assessed day. */
  communityCases: number;
  quarantineCases: number;
  oxygenCases: number;
  deaths: number;
  coverage: {
    adults18AtLeastOnePct: number | null;
    over50FullyPct: number | null;
    over65FullyPct: number | null;
    populationFullyPct: number | null;
  };
  capacity: {
    oxygenReady: boolean | null;
    careTeams: number | null;
    mobileStations: number | null;
    treatmentPlan: boolean | null;
    treatmentBeds: number | null;
    icuBeds: number | null;
    /** Vacant COVID beds of the area criterion 3b reads (the district for a commune) and that area's population. */
    vacantBeds: number | null;
    bedsPopulation: number | null;
  };
  /** Source of each input by name (e.g. communityCases: 'manual'); absent = registry. */
  sources?: Record<string, Source>;
}

export interface RulesetRef {
  key: string;
  version: number;
  effectiveFrom: string;
  source?: string;
}

export interface CriterionResult {
  id: string;
  /** The figure the criterion reads (a rate, a percentage, a count), null when missing. */
  value: number | null;
  unit: 'per100k' | 'pct' | 'count' | 'per10k' | 'bool';
  /** Band 1–4 (case criteria), or 'high' | 'medium' | 'low' | 'met' | 'not_met'. */
  band: number | string;
  /** The thresholds the band was read from. */
  thresholds?: unknown;
  missing?: boolean;
}

export interface Adjustment {
  code: string;
  from: LevelNumber;
  to: LevelNumber;
}

export interface LevelExplanation {
  level: LevelNumber | null;
  reason?: 'no_population';
  kind: Ruleset['kind'];
  ruleset: RulesetRef & { name: { vi: string; en: string } };
  windowDays: number;
  inputs: LevelInputs & { sources: Record<string, Source> };
  criteria: CriterionResult[];
  matrix: { rows: string[]; columns: string[]; cells: number[][]; row: number; column: number; value: LevelNumber } | null;
  /** Level before adjustments (the matrix cell). */
  base: LevelNumber | null;
  adjustments: Adjustment[];
  /** Names of the inputs that were missing (treated conservatively). */
  missing: string[];
}

/** 1 + the number of cuts the value reaches. */
export function bandOf(value: number, cuts: Cut[]): LevelNumber {
  let b = 1;
  for (const c of cuts) if (c.inclusive ? value >= c.at : value > c.at) b++;
  return Math.min(4, b) as LevelNumber;
}

const reaches = (value: number, c: Cut) => (c.inclusive ? value >= c.at : value > c.at);
const per = (count: number, population: number, base: number) => (population > 0 ? (count * base) / population : 0);
const round2 = (x: number) => Math.round(x * 100) / 100;
const clamp = (x: number) => Math.max(1, Math.min(4, x)) as LevelNumber;
const INPUT_NAMES = ['population', 'communityCases', 'quarantineCases', 'oxygenCases', 'deaths', 'coverage.adults18AtLeastOnePct', 'coverage.over50FullyPct', 'coverage.over65FullyPct', 'coverage.populationFullyPct'];

function withSources(inputs: LevelInputs): LevelInputs & { sources: Record<string, Source> } {
  const sources: Record<string, Source> = {};
  for (const n of INPUT_NAMES) sources[n] = inputs.sources?.[n] ?? 'registry';
  for (const [k, v] of Object.entries(inputs.capacity)) sources[`capacity.${k}`] = inputs.sources?.[`capacity.${k}`] ?? (v == null ? 'missing' : 'register');
  for (const [k, v] of Object.entries(inputs.coverage)) if (v == null) sources[`coverage.${k}`] = 'missing';
  return { ...inputs, sources };
}

export function computeLevel(inputs: LevelInputs, ruleset: Ruleset, ref: RulesetRef): LevelExplanation {
  const base = {
    kind: ruleset.kind,
    ruleset: { ...ref, name: ruleset.name },
    windowDays: ruleset.windowDays,
    inputs: withSources(inputs),
  };
  if (!(inputs.population > 0)) {
    return { ...base, level: null, reason: 'no_population', criteria: [], matrix: null, base: null, adjustments: [], missing: ['population'] };
  }
  return ruleset.kind === 'qd4800' ? compute4800(inputs, ruleset, base) : compute218(inputs, ruleset, base);
}

type Base = Pick<LevelExplanation, 'kind' | 'ruleset' | 'windowDays' | 'inputs'>;

/** Does the unit meet criterion 3 of Decision 4800 (by its level of government)? null = nothing entered. */
export function capacityMet4800(unitLevel: UnitLevel, c: LevelInputs['capacity']): boolean | null {
  if (unitLevel === 'commune' || unitLevel === 'village') {
    if (c.oxygenReady == null && c.careTeams == null) return null;
    return c.oxygenReady === true && (c.careTeams ?? 0) >= 1;
  }
  if (unitLevel === 'district') {
    if (c.mobileStations == null && c.treatmentPlan == null) return null;
    return (c.mobileStations ?? 0) >= 1 && c.treatmentPlan === true;
  }
  if (c.treatmentBeds == null && c.icuBeds == null) return null;
  return (c.treatmentBeds ?? 0) > 0 && (c.icuBeds ?? 0) > 0;
}

function compute4800(inputs: LevelInputs, r: Ruleset4800, b: Base): LevelExplanation {
  const missing: string[] = [];
  const cases = inputs.communityCases + (r.countQuarantineCases ? inputs.quarantineCases : 0);
  const rate = round2(per(cases, inputs.population, 100_000));
  const band = bandOf(rate, r.caseCuts);
  const first = inputs.coverage.adults18AtLeastOnePct;
  if (first == null) missing.push('coverage.adults18AtLeastOnePct');
  const high = first != null && first >= r.coverage.firstDoseAdultsMinPct;
  const fullKey = r.coverage.fullDoseGroup === '50+' ? 'over50FullyPct' : 'over65FullyPct';
  const full = inputs.coverage[fullKey];
  if (full == null) missing.push(`coverage.${fullKey}`);
  const fullMet = full != null && full >= r.coverage.fullDoseMinPct;
  const capMet = capacityMet4800(inputs.unitLevel, inputs.capacity);
  if (capMet == null) missing.push('capacity');
  const capOk = capMet ?? r.capacity.unknownAs === 'met';

  const column = high ? 0 : 1;
  const cell = clamp(r.matrix[band - 1][column]);
  const adjustments: Adjustment[] = [];
  let level = cell;
  if (!capOk) {
    if (level < band) {
      adjustments.push({ code: 'capacity_no_lowering', from: level, to: band });
      level = band;
    }
    if (r.capacity.whenNotMet === 'raise_one' && level < 4) {
      adjustments.push({ code: 'capacity_raise', from: level, to: clamp(level + 1) });
      level = clamp(level + 1);
    }
  }
  if (!fullMet && r.coverage.fullDoseRaise) {
    if (r.coverage.fullDoseExemptWithoutCases && cases === 0) adjustments.push({ code: 'full_dose_exempt_no_cases', from: level, to: level });
    else if (level < 4) {
      adjustments.push({ code: 'full_dose_raise', from: level, to: clamp(level + 1) });
      level = clamp(level + 1);
    }
  }
  return {
    ...b,
    level,
    criteria: [
      { id: 'c1_cases', value: rate, unit: 'per100k', band, thresholds: r.caseCuts },
      { id: 'c2_first_dose', value: first, unit: 'pct', band: high ? 'high' : 'low', thresholds: { minPct: r.coverage.firstDoseAdultsMinPct }, ...(first == null ? { missing: true } : {}) },
      { id: 'c2_full_dose', value: full, unit: 'pct', band: fullMet ? 'met' : 'not_met', thresholds: { group: r.coverage.fullDoseGroup, minPct: r.coverage.fullDoseMinPct }, ...(full == null ? { missing: true } : {}) },
      { id: 'c3_capacity', value: null, unit: 'bool', band: capOk ? 'met' : 'not_met', thresholds: { unitLevel: inputs.unitLevel, whenNotMet: r.capacity.whenNotMet }, ...(capMet == null ? { missing: true } : {}) },
    ],
    matrix: { rows: ['1', '2', '3', '4'], columns: ['high', 'low'], cells: r.matrix, row: band - 1, column, value: cell },
    base: cell,
    adjustments,
    missing,
  };
}

const capacityStep = (value: number, high: Cut, medium: Cut): 0 | 1 | 2 => (reaches(value, high) ? 0 : reaches(value, medium) ? 1 : 2);
const STEP_NAMES = ['high', 'medium', 'low'] as const;

function compute218(inputs: LevelInputs, r: Ruleset218, b: Base): LevelExplanation {
  const missing: string[] = [];
  const pop = inputs.population;
  const cases = inputs.communityCases + (r.countQuarantineCases ? inputs.quarantineCases : 0);
  const rate = round2(per(cases, pop, 100_000));
  const band1a = bandOf(rate, r.caseCuts);
  const oxygen = r.oxygenPer100k ? round2(per(inputs.oxygenCases, pop, 100_000)) : inputs.oxygenCases;
  const band1b = bandOf(oxygen, r.oxygenCuts);
  const deathRate = round2(per(inputs.deaths, pop, 100_000));
  const criteria: CriterionResult[] = [
    { id: '1a_cases', value: rate, unit: 'per100k', band: band1a, thresholds: r.caseCuts },
    { id: '1b_oxygen', value: oxygen, unit: r.oxygenPer100k ? 'per100k' : 'count', band: band1b, thresholds: r.oxygenCuts },
  ];
  const adjustments: Adjustment[] = [];
  let transmission = Math.max(band1a, band1b) as LevelNumber;
  if (r.deaths.enabled) {
    const above = deathRate > r.deaths.abovePer100k;
    criteria.push({ id: '1c_deaths', value: deathRate, unit: 'per100k', band: above ? r.deaths.minLevel : 1, thresholds: { abovePer100k: r.deaths.abovePer100k, minLevel: r.deaths.minLevel } });
    if (above && transmission < r.deaths.minLevel) {
      adjustments.push({ code: 'deaths_min_level', from: transmission, to: clamp(r.deaths.minLevel) });
      transmission = clamp(r.deaths.minLevel);
    }
  }
  const all = inputs.coverage.populationFullyPct;
  const riskKey = r.coverage.highRiskGroup === '50+' ? 'over50FullyPct' : 'over65FullyPct';
  const risk = inputs.coverage[riskKey];
  if (all == null) missing.push('coverage.populationFullyPct');
  if (risk == null) missing.push(`coverage.${riskKey}`);
  const allMet = all != null && all >= r.coverage.populationFullyMinPct;
  const riskMet = risk != null && risk >= r.coverage.highRiskFullyMinPct;
  criteria.push(
    { id: '2a_population_fully', value: all, unit: 'pct', band: allMet ? 'met' : 'not_met', thresholds: { minPct: r.coverage.populationFullyMinPct }, ...(all == null ? { missing: true } : {}) },
    { id: '2b_high_risk_fully', value: risk, unit: 'pct', band: riskMet ? 'met' : 'not_met', thresholds: { group: r.coverage.highRiskGroup, minPct: r.coverage.highRiskFullyMinPct }, ...(risk == null ? { missing: true } : {}) },
  );
  if (!allMet || !riskMet) {
    if (transmission < 4) {
      adjustments.push({ code: 'coverage_raise', from: transmission, to: clamp(transmission + 1) });
      transmission = clamp(transmission + 1);
    }
  }

  const c = inputs.capacity;
  const teams = c.careTeams == null ? null : round2((c.careTeams * 10_000) / pop);
  if (teams == null) missing.push('capacity.careTeams');
  const s3a = teams == null ? 2 : capacityStep(teams, r.capacity.careTeamsPer10kHigh, r.capacity.careTeamsPer10kMedium);
  const bedsPop = c.bedsPopulation ?? pop;
  const beds = c.vacantBeds == null || !(bedsPop > 0) ? null : round2((c.vacantBeds * 100_000) / bedsPop);
  if (beds == null) missing.push('capacity.vacantBeds');
  const s3b = beds == null ? 2 : capacityStep(beds, r.capacity.vacantBedsPer100kHigh, r.capacity.vacantBedsPer100kMedium);
  criteria.push(
    { id: '3a_care_teams', value: teams, unit: 'per10k', band: STEP_NAMES[s3a], thresholds: { high: r.capacity.careTeamsPer10kHigh, medium: r.capacity.careTeamsPer10kMedium }, ...(teams == null ? { missing: true } : {}) },
    { id: '3b_vacant_beds', value: beds, unit: 'per100k', band: STEP_NAMES[s3b], thresholds: { high: r.capacity.vacantBedsPer100kHigh, medium: r.capacity.vacantBedsPer100kMedium }, ...(beds == null ? { missing: true } : {}) },
  );
  let step = Math.max(s3a, s3b) as 0 | 1 | 2;
  if (r.capacity.icuEnabled) {
    const icu = c.icuBeds == null || !(bedsPop > 0) ? null : round2((c.icuBeds * 100_000) / bedsPop);
    if (icu == null) missing.push('capacity.icuBeds');
    const short = icu == null || icu < r.capacity.icuPer100kMin;
    criteria.push({ id: '3c_icu', value: icu, unit: 'per100k', band: short ? 'not_met' : 'met', thresholds: { minPer100k: r.capacity.icuPer100kMin }, ...(icu == null ? { missing: true } : {}) });
    if (short && step < 2) step = (step + 1) as 1 | 2;
  }
  const cell = clamp(r.matrix[transmission - 1][step]);
  return {
    ...b,
    level: cell,
    criteria,
    matrix: { rows: ['1', '2', '3', '4'], columns: [...STEP_NAMES], cells: r.matrix, row: transmission - 1, column: step, value: cell },
    base: cell,
    adjustments,
    missing,
  };
}
