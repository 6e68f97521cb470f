// The demo province's vaccination history, planned from its registry (pure; written by
// src/server/demo/vaccination.ts). A 2021–2022-like campaign moved so that the demo's "today"
// stands where 10/01/2022 stood — in the middle of the booster drive that seed 003 asks to finish
// by 23/01/2022 — the way the outbreak is placed relative to today:
//   - adults' first doses from mid-July 2021 (the older earlier), the second at the product's
//     interval (AstraZeneca 8–12 weeks, Pfizer 3 weeks, Moderna 4, Vero Cell 3–4, Sputnik V 3;
//     Janssen one dose); 12–17-year-olds with Pfizer from late October 2021;
//   - boosters from late November 2021 six months after the series, from 17/12/2021 three months;
//   - each commune with its own uptake, start and booster pace, so coverage differs between them;
//   - some adults refuse (a sweep visit, refused, with the reason), some are absent, a few are
//     contraindicated; bedridden old people waiting for the mobile team (home vaccination);
//   - lots received over time by product, allocated to districts then communes;
//   - the running booster campaign for adults.
// Deterministic: one random stream per commune and one per household (like the population).
import { addDays, daysBetween } from '../cases/dates.ts';
import { ageOn } from './ages.ts';
import { createRng, hashSeed, type Rng } from './random.ts';
import type { DoseKind, PriorityGroup, VisitOutcome } from '../vaccination/types.ts';

/** The real date the demo's today stands for. */
export const DEMO_VACCINATION_ANCHOR = '2022-01-10';

export interface VaccCommune {
  code: string;
  name: string;
  path: string;
  districtCode: string;
  districtPath: string;
}

export interface VaccPerson {
  id: number;
  birthDate: string | null;
}

export interface VaccHousehold {
  id: string;
  communeCode: string;
  members: (VaccPerson & { unitPath: string })[];
}

export interface VaccinationPlanInput {
  today: string;
  seed: number;
  communes: VaccCommune[];
  households: VaccHousehold[];
}

export interface PlannedLot {
  key: string;
  productCode: string;
  lotNumber: string;
  receivedOn: string;
  expiryDate: string;
  dosesReceived: number;
}

export interface PlannedDose {
  personId: number;
  unitPath: string;
  communeCode: string;
  productCode: string;
  lotKey: string;
  kind: DoseKind;
  givenOn: string;
  source: 'demo' | 'home';
  vaccinator: string;
}

export interface PlannedProfile {
  personId: number;
  priorityGroup: PriorityGroup | null;
  comorbidity: boolean;
  bedridden: boolean;
  deferral: 'contraindicated' | 'deferred' | null;
  deferralReason: string | null;
  deferralOn: string | null;
}

export interface PlannedVisit {
  personId: number;
  unitPath: string;
  householdId: string;
  communeCode: string;
  day: string;
  outcome: VisitOutcome;
  reason: string | null;
}

export interface PlannedHomeRequest {
  personId: number;
  unitPath: string;
  communeCode: string;
  reason: string;
  requestedOn: string;
  status: 'requested' | 'scheduled' | 'done';
  team: string | null;
  scheduledOn: string | null;
  /** The dose given at home (status done). */
  doseKind: DoseKind | null;
}

export interface PlannedAllocation {
  lotKey: string;
  unitCode: string;
  unitPath: string;
  /** The district's allocation this commune allocation is part of (its unit code), null for a district. */
  parentUnitCode: string | null;
  doses: number;
  deliveredOn: string;
}

export interface PlannedCampaign {
  name: string;
  target: { minAge: number; doseKind: DoseKind };
  startsOn: string;
  deadline: string;
  source: string;
}

export interface VaccinationPlan {
  shift: number;
  lots: PlannedLot[];
  doses: PlannedDose[];
  profiles: PlannedProfile[];
  visits: PlannedVisit[];
  homeRequests: PlannedHomeRequest[];
  allocations: PlannedAllocation[];
  campaign: PlannedCampaign;
  /** The first day with a dose (coverage is refreshed from it). */
  firstDay: string | null;
}

interface ProductChoice {
  code: string;
  weight: number;
  /** Days from dose 1 to dose 2 (minimum, spread); null for a single dose. */
  second: [number, number] | null;
}

const ADULT_PRODUCTS: ProductChoice[] = [
  { code: 'astrazeneca', weight: 34, second: [56, 28] },
  { code: 'vero_cell', weight: 30, second: [21, 7] },
  { code: 'pfizer', weight: 21, second: [21, 14] },
  { code: 'moderna', weight: 10, second: [28, 14] },
  { code: 'sputnik_v', weight: 3, second: [21, 7] },
  { code: 'janssen', weight: 2, second: null },
];
const BOOSTER_PRODUCTS: [string, number][] = [
  ['pfizer', 50],
  ['moderna', 30],
  ['astrazeneca', 20],
];
const ADULT_PRODUCT_WEIGHTS = ADULT_PRODUCTS.map((p) => [p, p.weight] as const);

const LOT_PREFIX: Record<string, string> = { astrazeneca: 'AZ', vero_cell: 'VC', pfizer: 'FK', moderna: 'MD', sputnik_v: 'SP', janssen: 'JS' };
/** Days between two deliveries of a product. */
const LOT_EVERY_DAYS = 21;
const FIRST_LOT_REAL = '2021-06-20';

const REFUSAL_REASONS = [
  'Sợ tác dụng phụ sau tiêm',
  'Muốn chờ loại vắc xin khác',
  'Gia đình không đồng ý',
  'Đang điều trị bệnh nền, chưa yên tâm',
  'Cho rằng không cần tiêm',
];
const ABSENT_REASONS = ['Đi làm ăn xa', 'Không có nhà khi tổ đến', 'Đang ở nhà con cháu ở xã khác'];
const CONTRAINDICATIONS = ['Tiền sử sốc phản vệ độ 3', 'Đang hóa trị ung thư, bác sĩ chỉ định hoãn'];
const VACCINATORS = ['Lê Thị Hoa', 'Nguyễn Văn Minh', 'Hoàng Thị Lan', 'Nông Văn Quân', 'Vi Thị Thu', 'Lương Văn Sơn'];

function pickWeighted<T>(rng: Rng, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let u = rng.next() * total;
  for (const [v, w] of items) if ((u -= w) < 0) return v;
  return items[items.length - 1][0];
}

function addMonths(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 0)).getUTCDate();
  return new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), Math.min(d, last))).toISOString().slice(0, 10);
}

/** A commune's own pace: share of adults who accept, days its drive started late, share boosted by now. */
export function communePace(seed: number, communeCode: string) {
  const rng = createRng(hashSeed(seed, 'vaccination-commune', communeCode));
  return { uptake: 0.7 + 0.27 * rng.next(), delay: rng.int(0, 45), boosterPace: 0.2 + 0.55 * rng.next(), teenUptake: 0.75 + 0.2 * rng.next() };
}

export function planVaccination(input: VaccinationPlanInput): VaccinationPlan {
  const planner = new VaccinationPlanner(input);
  for (const h of input.households) planner.add(h);
  return planner.finish();
}

/**
 * planVaccination one household at a time, in the order they are made (each household draws from
 * its own seeded generator), so a generator can plan while it makes the population; finish() then
 * delivers the lots and allocations the doses need.
 */
export class VaccinationPlanner {
  private readonly input: Omit<VaccinationPlanInput, 'households'>;
  private readonly communes: Map<string, VaccCommune>;
  private readonly doses: PlannedDose[] = [];
  private readonly profiles: PlannedProfile[] = [];
  private readonly visits: PlannedVisit[] = [];
  private readonly homeRequests: PlannedHomeRequest[] = [];
  private readonly shift: number;
  private readonly adultStart: string;
  private readonly teenStart: string;
  private readonly boosterSixMonths: string;
  private readonly boosterThreeMonths: string;

  constructor(input: Omit<VaccinationPlanInput, 'households'>) {
    this.input = input;
    this.communes = new Map(input.communes.map((c) => [c.code, c]));
    this.shift = daysBetween(DEMO_VACCINATION_ANCHOR, input.today);
    this.adultStart = this.at('2021-07-15');
    this.teenStart = this.at('2021-10-25');
    this.boosterSixMonths = this.at('2021-11-20');
    this.boosterThreeMonths = this.at('2021-12-17');
  }

  private at(real: string) {
    return addDays(real, this.shift);
  }

  add(h: VaccHousehold): void {
    const { input, doses, profiles, visits, homeRequests, adultStart, teenStart, boosterSixMonths, boosterThreeMonths } = this;
    const today = input.today;
    const at = (real: string) => this.at(real);
    const commune = this.communes.get(h.communeCode);
    if (!commune) return;
    const pace = communePace(input.seed, h.communeCode);
    const rng = createRng(hashSeed(input.seed, 'vaccination', h.id));
    const vaccinator = VACCINATORS[rng.int(0, VACCINATORS.length - 1)];
    // A household tends to decide together.
    const householdAccepts = rng.next() < 0.25 + 0.75 * pace.uptake;
    for (const p of h.members) {
      if (!p.birthDate) continue;
      const age = ageOn(p.birthDate, today);
      const give = (productCode: string, kind: DoseKind, givenOn: string, source: 'demo' | 'home' = 'demo') =>
        doses.push({ personId: p.id, unitPath: p.unitPath, communeCode: h.communeCode, productCode, lotKey: '', kind, givenOn, source, vaccinator });

      // The person's standing: priority group, risks.
      const comorbidity = age >= 40 && rng.chance(age >= 65 ? 0.22 : 0.08);
      const bedridden = age >= 75 && rng.chance(0.2);
      let priority: PriorityGroup | null = age >= 65 || comorbidity ? 'chronic_or_over_65' : null;
      if (!priority && age >= 22 && age <= 60) {
        const u = rng.next();
        if (u < 0.015) priority = 'frontline';
        else if (u < 0.035) priority = 'teachers_officials';
        else if (u < 0.045) priority = 'essential_services';
      }
      const contraindicated = age >= 18 && rng.chance(0.004);
      const profile: PlannedProfile | null =
        priority || comorbidity || bedridden || contraindicated
          ? {
              personId: p.id,
              priorityGroup: priority,
              comorbidity,
              bedridden,
              deferral: contraindicated ? 'contraindicated' : null,
              deferralReason: contraindicated ? CONTRAINDICATIONS[rng.int(0, CONTRAINDICATIONS.length - 1)] : null,
              deferralOn: contraindicated ? at('2021-08-10') : null,
            }
          : null;
      if (profile) profiles.push(profile);
      const visit = (outcome: VisitOutcome, reason: string | null) =>
        visits.push({ personId: p.id, unitPath: p.unitPath, householdId: h.id, communeCode: h.communeCode, day: addDays(today, -rng.int(1, 28)), outcome, reason });

      if (contraindicated) {
        visit('contraindicated', profile!.deferralReason);
        continue;
      }
      const adult = ageOn(p.birthDate, adultStart) >= 18;
      const teen = !adult && ageOn(p.birthDate, teenStart) >= 12 && ageOn(p.birthDate, teenStart) <= 17;
      if (!adult && !teen) continue;

      const accepts = householdAccepts && rng.next() < (adult ? (bedridden ? 0.55 : age >= 65 ? 0.9 : 0.97) : pace.teenUptake);
      if (!accepts) {
        if (bedridden) {
          // Waiting for the mobile team.
          const scheduled = rng.chance(0.5);
          homeRequests.push({
            personId: p.id,
            unitPath: p.unitPath,
            communeCode: h.communeCode,
            reason: 'Nằm liệt giường, không thể đến điểm tiêm',
            requestedOn: addDays(today, -rng.int(2, 12)),
            status: scheduled ? 'scheduled' : 'requested',
            team: scheduled ? `Tổ tiêm lưu động ${commune.name}` : null,
            scheduledOn: scheduled ? addDays(today, rng.int(1, 6)) : null,
            doseKind: null,
          });
        } else if (adult) {
          const u = rng.next();
          if (u < 0.55) visit('refused', REFUSAL_REASONS[rng.int(0, REFUSAL_REASONS.length - 1)]);
          else if (u < 0.75) visit('absent', ABSENT_REASONS[rng.int(0, ABSENT_REASONS.length - 1)]);
        }
        continue;
      }

      // Primary series.
      let product: ProductChoice;
      let d1: string;
      if (adult) {
        product = pickWeighted(rng, ADULT_PRODUCT_WEIGHTS);
        // The older, frontline and chronic first: the earlier of two draws.
        const span = 115;
        const draw = priority ? Math.min(rng.int(0, span), rng.int(0, span)) : rng.int(0, span);
        d1 = addDays(adultStart, pace.delay + draw);
      } else {
        product = ADULT_PRODUCTS.find((x) => x.code === 'pfizer')!;
        d1 = addDays(teenStart, Math.round(pace.delay / 3) + rng.int(0, 50));
      }
      // Nobody gets a dose before turning the product's age or before they were born.
      if (d1 > today || ageOn(p.birthDate, d1) < (adult ? 18 : 12)) continue;
      const homeDose = bedridden;
      give(product.code, 'primary_1', d1, homeDose ? 'home' : 'demo');
      let full: string | null = null;
      if (!product.second) full = d1;
      else {
        const d2 = addDays(d1, product.second[0] + rng.int(0, product.second[1]));
        if (d2 <= today && rng.chance(0.96)) {
          give(product.code, 'primary_2', d2, homeDose ? 'home' : 'demo');
          full = d2;
        }
      }
      if (homeDose)
        homeRequests.push({
          personId: p.id,
          unitPath: p.unitPath,
          communeCode: h.communeCode,
          reason: 'Nằm liệt giường, không thể đến điểm tiêm',
          requestedOn: addDays(d1, -rng.int(3, 10)),
          status: 'done',
          team: `Tổ tiêm lưu động ${commune.name}`,
          scheduledOn: d1,
          doseKind: 'primary_1',
        });
      // Boosters for adults: six months after the series from late November, three from 17/12.
      if (full && adult && !homeDose) {
        const six = addMonths(full, 6);
        const three = addMonths(full, 3);
        const earliest = [six > boosterSixMonths ? six : boosterSixMonths, three > boosterThreeMonths ? three : boosterThreeMonths].reduce((a, b) => (a < b ? a : b));
        const b = addDays(earliest, rng.int(0, 30));
        const pace50 = age >= 50 ? Math.min(0.95, pace.boosterPace + 0.15) : pace.boosterPace;
        if (b <= today && rng.chance(pace50)) give(pickWeighted(rng, BOOSTER_PRODUCTS), 'booster_1', b);
      }
    }
  }

  finish(): VaccinationPlan {
    const { input, doses, profiles, visits, homeRequests, communes, shift } = this;
    const today = input.today;
    const at = (real: string) => this.at(real);
    // Lots: every product delivered every three weeks; a dose takes the latest lot received before it.
    const lots: PlannedLot[] = [];
    const lotsByProduct = new Map<string, PlannedLot[]>();
    const first = at(FIRST_LOT_REAL);
    for (const code of Object.keys(LOT_PREFIX)) {
      const list: PlannedLot[] = [];
      let k = 0;
      for (let d = first; d <= today; d = addDays(d, LOT_EVERY_DAYS)) {
        const lotNumber = `${LOT_PREFIX[code]}${String(2100 + k * 7 + (hashSeed(input.seed, code, k) % 7)).padStart(4, '0')}`;
        const lot: PlannedLot = { key: `${code}|${lotNumber}`, productCode: code, lotNumber, receivedOn: d, expiryDate: addMonths(d, 6), dosesReceived: 0 };
        list.push(lot);
        k++;
      }
      lotsByProduct.set(code, list);
    }
    const used = new Map<string, Map<string, number>>(); // lot → commune → doses
    let firstDay: string | null = null;
    for (const d of doses) {
      const list = lotsByProduct.get(d.productCode)!;
      const idx = Math.min(list.length - 1, Math.max(0, Math.floor(daysBetween(first, d.givenOn) / LOT_EVERY_DAYS)));
      const lot = list[idx];
      d.lotKey = lot.key;
      lot.dosesReceived++;
      let byCommune = used.get(lot.key);
      if (!byCommune) used.set(lot.key, (byCommune = new Map()));
      byCommune.set(d.communeCode, (byCommune.get(d.communeCode) ?? 0) + 1);
      if (!firstDay || d.givenOn < firstDay) firstDay = d.givenOn;
    }
    const roundUp = (n: number, to: number) => Math.ceil(n / to) * to;
    for (const list of lotsByProduct.values())
      for (const lot of list) {
        if (!lot.dosesReceived) continue;
        lot.dosesReceived = roundUp(lot.dosesReceived * 1.08, 100);
        lots.push(lot);
      }

    // Allocations: each lot to the districts that used it, and from them to their communes.
    const allocations: PlannedAllocation[] = [];
    for (const lot of lots) {
      const byDistrict = new Map<string, { path: string; total: number; communes: [VaccCommune, number][] }>();
      for (const [code, n] of used.get(lot.key) ?? []) {
        const c = communes.get(code)!;
        let e = byDistrict.get(c.districtCode);
        if (!e) byDistrict.set(c.districtCode, (e = { path: c.districtPath, total: 0, communes: [] }));
        e.total += n;
        e.communes.push([c, n]);
      }
      for (const [districtCode, e] of [...byDistrict].sort((a, b) => a[0].localeCompare(b[0]))) {
        const communeDoses = e.communes.sort((a, b) => a[0].code.localeCompare(b[0].code)).map(([c, n]) => [c, roundUp(n * 1.03, 10)] as const);
        const sum = communeDoses.reduce((s, [, n]) => s + n, 0);
        allocations.push({ lotKey: lot.key, unitCode: districtCode, unitPath: e.path, parentUnitCode: null, doses: Math.min(lot.dosesReceived, roundUp(sum, 50)), deliveredOn: addDays(lot.receivedOn, 1) });
        for (const [c, n] of communeDoses) allocations.push({ lotKey: lot.key, unitCode: c.code, unitPath: c.path, parentUnitCode: districtCode, doses: n, deliveredOn: addDays(lot.receivedOn, 2) });
      }
    }
    // A district holds at least what it passed on; a lot at least what it allocated.
    const byLot = new Map<string, PlannedAllocation[]>();
    for (const a of allocations) {
      const list = byLot.get(a.lotKey);
      if (list) list.push(a);
      else byLot.set(a.lotKey, [a]);
    }
    for (const lot of lots) {
      const ofLot = byLot.get(lot.key) ?? [];
      const districts = ofLot.filter((a) => !a.parentUnitCode);
      for (const d of districts) {
        const sum = ofLot.filter((a) => a.parentUnitCode === d.unitCode).reduce((s, a) => s + a.doses, 0);
        if (sum > d.doses) d.doses = sum;
      }
      const total = districts.reduce((s, a) => s + a.doses, 0);
      if (total > lot.dosesReceived) lot.dosesReceived = roundUp(total, 100);
    }

    const dmy = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
    const deadline = at('2022-01-23');
    return {
      shift,
      lots,
      doses,
      profiles,
      visits,
      homeRequests,
      allocations,
      campaign: {
        name: `Tiêm mũi nhắc lại cho người từ 18 tuổi trước ${dmy(deadline)}`,
        target: { minAge: 18, doseKind: 'booster_1' },
        startsOn: at('2021-12-17'),
        deadline,
        source: 'Seed 003: hoàn thành tiêm mũi nhắc lại cho người trưởng thành trước 23/01/2022 (domain.md §7), dời theo ngày của bản demo',
      },
      firstDay,
    };
  }
}
