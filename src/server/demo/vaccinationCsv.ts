// The demo's vaccination history made ready to write: the plan (src/domain/demo/vaccination.ts) and
// the CSV of its large tables (doses, profiles, sweep visits) as UTF-8 bytes for COPY. Made in the
// demo's generator thread while the main thread loads the population and the other areas (see
// population.ts), or here in the main thread for small demos; both give the same bytes.
import { csvLine } from '../../domain/demo/csv.ts';
import { planVaccination, type VaccCommune, type VaccHousehold, type VaccinationPlan } from '../../domain/demo/vaccination.ts';

/** The database ids the CSV names, known once the demo users exist. */
export interface VaccinationIds {
  /** The first id of the plan's lots: lot i of the plan is written with id lotBase + i. */
  lotBase: number;
  /** The demo vaccinator (tiemchung): creator of the lots, doses and profiles. */
  vaccinatorId: number | null;
  /** The community team member (tocovid): visitor of their commune's households. */
  team: { id: number; unitCode: string } | null;
}

export interface PreparedVaccination {
  plan: Omit<VaccinationPlan, 'doses' | 'profiles' | 'visits'>;
  /** Lot i of the plan has id lotBase + i. */
  lotBase: number;
  counts: { doses: number; profiles: number; visits: number };
  dosesCsv: Uint8Array;
  profilesCsv: Uint8Array;
  visitsCsv: Uint8Array;
}

export const DOSE_COLUMNS = ['province_code', 'person_id', 'unit_path', 'commune_code', 'product_code', 'lot_id', 'dose_kind', 'given_on', 'site_name', 'site_unit_code', 'site_path', 'vaccinator', 'source', 'created_by'];
export const PROFILE_COLUMNS = ['province_code', 'person_id', 'priority_group', 'comorbidity', 'bedridden', 'deferral', 'deferral_reason', 'deferral_on', 'updated_by'];
export const VISIT_COLUMNS = ['province_code', 'person_id', 'unit_path', 'household_id', 'visited_at', 'outcome', 'reason', 'created_by'];

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

export function prepareVaccination(args: VaccinationPlanArgs, plan: VaccinationPlan, ids: VaccinationIds): PreparedVaccination {
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
  const { doses, profiles, visits, ...rest } = plan;
  return { plan: rest, lotBase: ids.lotBase, counts: { doses: doses.length, profiles: profiles.length, visits: visits.length }, dosesCsv, profilesCsv, visitsCsv };
}
