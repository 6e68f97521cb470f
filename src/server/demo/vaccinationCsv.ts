// The demo's vaccination history made ready to write: the plan (src/domain/demo/vaccination.ts) and
// the CSV of its large tables (doses, profiles, sweep visits) as UTF-8 bytes for COPY. Made in the
// demo's generator thread while the main thread loads the population and the other areas (see
// population.ts), or here in the main thread for small demos; both give the same bytes.
import { csvLine } from '../../domain/demo/csv.ts';
import { planVaccination, type VaccCommune, type VaccHousehold, type VaccinationPlan } from '../../domain/demo/vaccination.ts';
import { changePoints, personDays, type PersonDays } from '../../domain/vaccination/changePoints.ts';

/** The database ids the CSV names, known once the demo users exist. */
export interface VaccinationIds {
  /** The first id of the plan's lots: lot i of the plan is written with id lotBase + i. */
  lotBase: number;
  /** The demo vaccinator (tiemchung): creator of the lots, doses and profiles. */
  vaccinatorId: number | null;
  /** The community team member (tocovid): visitor of their commune's households. */
  team: { id: number; unitCode: string } | null;
  /** The span of the coverage facts and the series length of each product (as coverageFacts.ts reads them). */
  coverage: { from: string; horizon: string; products: { codes: string[]; doses: number[] } };
}

/** The residents in id order (ids follow from `firstId`): their commune and birth date. */
export interface Residents {
  firstId: number;
  communeCodes: string[];
  birthDates: (string | null)[];
}

export interface PreparedVaccination {
  plan: Omit<VaccinationPlan, 'doses' | 'profiles' | 'visits'>;
  /** Lot i of the plan has id lotBase + i. */
  lotBase: number;
  counts: { doses: number; profiles: number; visits: number; facts: number };
  dosesCsv: Uint8Array;
  profilesCsv: Uint8Array;
  visitsCsv: Uint8Array;
  /** The coverage facts of every commune (vaccination_coverage_daily), when the residents were given. */
  coverageCsv: Uint8Array | null;
}

export const DOSE_COLUMNS = ['province_code', 'person_id', 'unit_path', 'commune_code', 'product_code', 'lot_id', 'dose_kind', 'given_on', 'site_name', 'site_unit_code', 'site_path', 'vaccinator', 'source', 'created_by'];
export const PROFILE_COLUMNS = ['province_code', 'person_id', 'priority_group', 'comorbidity', 'bedridden', 'deferral', 'deferral_reason', 'deferral_on', 'updated_by'];
export const VISIT_COLUMNS = ['province_code', 'person_id', 'unit_path', 'household_id', 'visited_at', 'outcome', 'reason', 'created_by'];
export const COVERAGE_COLUMNS = ['province_code', 'commune_code', 'age_group', 'day', 'unit_path', 'population', 'at_least_one', 'fully', 'booster', 'booster_2'];

export interface VaccinationPlanArgs {
  provinceCode: string;
  today: string;
  seed: number;
  communes: VaccCommune[];
}

export function planDemoVaccination(args: VaccinationPlanArgs, households: VaccHousehold[]): VaccinationPlan {
  return planVaccination({ today: args.today, seed: args.seed, communes: args.communes, households });
}

/** Joins CSV lines into UTF-8 bytes a few thousand lines at a time (one huge string costs more than its bytes). */
function encodeLines<T>(items: readonly T[], line: (item: T, i: number) => string): Uint8Array {
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (let i = 0; i < items.length; i += 5000) {
    let text = '';
    const end = Math.min(items.length, i + 5000);
    for (let k = i; k < end; k++) text += line(items[k], k);
    const bytes = encoder.encode(text);
    parts.push(bytes);
    size += bytes.length;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Every commune's coverage facts from the residents and the planned doses (the rows rebuildCoverage
 * would write: src/domain/vaccination/changePoints.ts). Doses come in person order, as planned.
 */
function coverageFacts(args: VaccinationPlanArgs, plan: VaccinationPlan, residents: Residents, coverage: VaccinationIds['coverage']): { csv: Uint8Array; rows: number } {
  const series = new Map(coverage.products.codes.map((c, i) => [c, coverage.products.doses[i]]));
  const byCommune = new Map(args.communes.map((c) => [c.code, [] as PersonDays[]]));
  let k = 0;
  const doses = plan.doses;
  for (let i = 0; i < residents.communeCodes.length; i++) {
    const id = residents.firstId + i;
    const start = k;
    while (k < doses.length && doses[k].personId === id) k++;
    const mine = k > start ? doses.slice(start, k).map((d) => ({ kind: d.kind, productCode: d.productCode, givenOn: d.givenOn })) : [];
    byCommune.get(residents.communeCodes[i])?.push(personDays(residents.birthDates[i], mine, series));
  }
  if (k !== doses.length) throw new Error('coverage facts: the doses are not in the residents’ order');
  const pc = args.provinceCode;
  const rows: string[] = [];
  for (const c of args.communes) {
    for (const r of changePoints(byCommune.get(c.code)!, coverage.from, coverage.horizon))
      rows.push(csvLine([pc, c.code, r.ageGroup, r.day, c.path, r.population, r.atLeastOne, r.fully, r.booster, r.booster2]));
  }
  return { csv: encodeLines(rows, (line) => line), rows: rows.length };
}

export function prepareVaccination(args: VaccinationPlanArgs, plan: VaccinationPlan, ids: VaccinationIds, residents: Residents | null = null): PreparedVaccination {
  const pc = args.provinceCode;
  const communes = new Map(args.communes.map((c) => [c.code, c]));
  const lotIds = new Map(plan.lots.map((l, i) => [l.key, ids.lotBase + i]));
  // Doses, given at the health station of the person's commune (or at home by its mobile team).
  const dosesCsv = encodeLines(plan.doses, (d) => {
    const c = communes.get(d.communeCode)!;
    const site = d.source === 'home' ? `Tiêm tại nhà — Trạm Y tế ${c.name}` : `Trạm Y tế ${c.name}`;
    return csvLine([pc, d.personId, d.unitPath, d.communeCode, d.productCode, lotIds.get(d.lotKey)!, d.kind, d.givenOn, site, c.code, c.path, d.vaccinator, d.source, ids.vaccinatorId]);
  });
  const profilesCsv = encodeLines(plan.profiles, (p) =>
    csvLine([pc, p.personId, p.priorityGroup, p.comorbidity ? 't' : 'f', p.bedridden ? 't' : 'f', p.deferral, p.deferralReason, p.deferralOn, ids.vaccinatorId]),
  );
  // Visits by the community team, in the morning of their day (Viet Nam time).
  const visitsCsv = encodeLines(plan.visits, (v, i) => {
    const by = ids.team && v.communeCode === ids.team.unitCode ? ids.team.id : null;
    const at = `${v.day}T${String(1 + (i % 8)).padStart(2, '0')}:${String((i * 7) % 60).padStart(2, '0')}:00Z`;
    return csvLine([pc, v.personId, v.unitPath, v.householdId.startsWith('p') ? null : v.householdId, at, v.outcome, v.reason, by]);
  });
  const facts = residents ? coverageFacts(args, plan, residents, ids.coverage) : null;
  const { doses, profiles, visits, ...rest } = plan;
  return {
    plan: rest,
    lotBase: ids.lotBase,
    counts: { doses: doses.length, profiles: profiles.length, visits: visits.length, facts: facts?.rows ?? 0 },
    dosesCsv,
    profilesCsv,
    visitsCsv,
    coverageCsv: facts?.csv ?? null,
  };
}
