// The demo province's outbreak over the last 60 days, planned without I/O: a few introductions in a
// few communes (one of them at a town market), household and community spread traced as F1 and F2
// contacts, clusters, zones, quarantine and isolation orders, daily checks and the tracing tasks of
// community teams. Deterministic: the same input and seed give the same plan.
//
// The spread is a small simulation in days relative to "today" (day 0): each case exposes its
// household and some neighbours or colleagues (a market vendor: many shoppers) during its
// transmission period, some of them are infected, and an infected contact becomes a case when its
// report date has come — found in quarantine when the tracing got there first. Each cluster has a
// budget of cases (its share of ~1 case per 1,500 inhabitants) and a reproduction number that falls
// once the cluster is known, so the curve rises and then partly falls.
import { addDays, daysBetween } from '../cases/dates.ts';
import { checkF1, transmissionWindow, type Exposure, type Proximity } from '../cases/definitions.ts';
import type { F0Basis, F0DefinitionPolicy, F1DefinitionPolicy, IsolationPolicy, QuarantinePolicy } from '../cases/policies.ts';
import { planIsolation, planQuarantine, type ImmunityFacts, type OrderPlan } from '../cases/quarantine.ts';
import { plannedLiftDate } from '../cases/zones.ts';
import { ageOn } from './ages.ts';
import { createRng, hashSeed, sample, weighted, type Rng } from './random.ts';
import { communeKind } from './territory.ts';

// ---------------------------------------------------------------------------------------------
// Input and output

export interface OutbreakCommune {
  code: string;
  name: string;
  /** Unit path of the commune ('20/178/05977/'). */
  path: string;
  population: number;
}

export interface OutbreakVillage {
  code: string;
  name: string;
  communeCode: string;
}

export interface OutbreakMember {
  id: number;
  birthDate: string | null;
  sex: 'M' | 'F' | null;
}

export interface OutbreakHousehold {
  id: string;
  communeCode: string;
  villageCode: string | null;
  /** Unit path of the household's residence (its village, or its commune). */
  unitPath: string;
  members: OutbreakMember[];
}

export interface VersionedPolicy<T> {
  value: T;
  version: number;
}

export interface OutbreakPolicies {
  f0: VersionedPolicy<F0DefinitionPolicy>;
  f1: VersionedPolicy<F1DefinitionPolicy>;
  quarantine: VersionedPolicy<QuarantinePolicy>;
  isolation: VersionedPolicy<IsolationPolicy>;
  zoneLiftDays: number;
  clusterWindowDays: number;
}

export interface OutbreakInput {
  /** The demo date (ISO): nothing happens after it. */
  today: string;
  seed: number;
  /** Share of the realistic population the demo was made with (0 < scale ≤ 1). */
  scale: number;
  /** Every commune of the province, with its population. */
  communes: OutbreakCommune[];
  /** The villages of the chosen communes (chooseOutbreakCommunes). */
  villages: OutbreakVillage[];
  /** The households of the chosen communes, with all their members. */
  households: OutbreakHousehold[];
  /** Policy versions in force on `today`. */
  policies: OutbreakPolicies;
}

type Severity = 'asymptomatic' | 'mild' | 'moderate' | 'severe' | 'critical';
type VaccinationStatus = 'unknown' | 'none' | 'partial' | 'full' | 'booster';
type Setting = 'household' | 'workplace' | 'venue' | 'school' | 'other';

/** Where a planned row lives: the residence of the person concerned. */
interface Residence {
  personId: number;
  unitPath: string;
  communeCode: string;
}

export interface PlannedCase extends Residence {
  cluster: number;
  /** Index into contacts of the contact record this case grew from. */
  fromContact: number | null;
  status: 'confirmed' | 'recovered' | 'died' | 'transferred';
  basis: F0Basis;
  reportedVia: 'lab' | 'rapid_test' | 'health_worker' | 'contact';
  definitionVersion: number;
  reportDate: string;
  onsetDate: string | null;
  sampleDate: string;
  detectedIn: 'community' | 'quarantine';
  vaccinationStatus: VaccinationStatus;
  lastDoseDate: string | null;
  severity: Severity;
  outcomeDate: string | null;
  notes: string | null;
}

export interface PlannedContact extends Residence {
  sourcePersonId: number;
  /** Index into contacts of the F1 an F2 was exposed to. */
  sourceContact: number | null;
  /** Index into cases of the case at the top of the chain. */
  rootCase: number;
  degree: 1 | 2;
  exposureDate: string;
  setting: Setting;
  proximity: Proximity;
  durationMinutes: number | null;
  masked: boolean | null;
  meetsDefinition: boolean;
  source: 'interview' | 'checkin' | 'household';
  status: 'traced' | 'became_case';
  note: string | null;
  /** The day the contact was identified (its call task, its quarantine order). */
  tracedDate: string;
}

export interface PlannedCluster {
  name: string;
  status: 'active' | 'closed';
  unitPath: string;
  link: 'contacts' | 'household' | 'venue' | 'mixed';
  firstDate: string;
  lastDate: string;
  note: string;
  /** Indexes into cases. */
  cases: number[];
}

export interface PlannedZone {
  name: string;
  kind: 'lockdown' | 'zoned';
  unitPath: string;
  unitCodes: string[];
  streets: string | null;
  startDate: string;
  lastCaseDate: string | null;
  plannedLiftDate: string;
  liftedDate: string | null;
  status: 'active' | 'lifted';
  reason: string;
}

export interface PlannedFacility {
  name: string;
  kind: 'centralised' | 'hospital';
  unitPath: string;
  communeCode: string;
  address: string;
  capacity: number;
}

export interface PlannedOrder extends Residence {
  kind: 'quarantine' | 'isolation';
  place: 'home' | 'centralised' | 'hospital';
  /** Index into facilities. */
  facility: number | null;
  case: number | null;
  contact: number | null;
  startDate: string;
  endDate: string;
  monitorUntil: string;
  testDays: { day: number; date: string }[];
  policyKey: 'quarantine.f1' | 'isolation.f0';
  policyVersion: number;
  rule: string;
  status: 'active' | 'released' | 'cancelled';
  releasedDate: string | null;
  releaseNote: string | null;
  decisionNo: string;
}

export interface PlannedCheck {
  order: number;
  day: string;
  status: 'ok' | 'symptoms' | 'absent';
  note: string | null;
  checkedAt: string;
}

export interface PlannedTask extends Residence {
  kind: 'call_contact' | 'test_contact' | 'deliver_decision' | 'daily_check' | 'investigate_case';
  role: 'community_team' | 'health_worker';
  case: number | null;
  contact: number | null;
  order: number | null;
  /** ISO instant. */
  dueAt: string;
  status: 'open' | 'done' | 'cancelled';
  doneAt: string | null;
  note: string | null;
  detail: Record<string, unknown> | null;
  /** ISO instant the task was created. */
  createdAt: string;
}

export interface OutbreakPlan {
  cases: PlannedCase[];
  contacts: PlannedContact[];
  clusters: PlannedCluster[];
  zones: PlannedZone[];
  facilities: PlannedFacility[];
  orders: PlannedOrder[];
  checks: PlannedCheck[];
  tasks: PlannedTask[];
}

// ---------------------------------------------------------------------------------------------
// Where: the communes of the outbreak

/** Days back from today the outbreak covers. */
export const OUTBREAK_DAYS = 60;
/** About one case per this many inhabitants over the 60 days. */
const INHABITANTS_PER_CASE = 1500;
/** Enough cases for a demo even on a tiny population (tests). */
const MIN_CASES = 20;

type SlotName = 'A' | 'M' | 'B' | 'D' | 'C';
interface Slot {
  kind: 'market' | 'village';
  /** Range of introduction days (relative to today). */
  intro: [number, number];
  share: number;
  /** Days from the introduction over which the cluster's infections are meant to happen (an S-curve). */
  span: number;
  /** Last infection day counted from the introduction (a contained cluster). */
  spreadDays?: number;
  /** Range of report days of its first case, when that is what matters (a cluster just found). */
  indexReport?: [number, number];
}

/**
 * The introductions, oldest first. A is small and contained early (its lockdown is lifted), M is the
 * market, B the largest village cluster, D a later one still growing, C found in the last days (its
 * lockdown and its contacts' quarantine are in force even on a tiny demo).
 */
const SLOTS: Record<SlotName, Slot> = {
  A: { kind: 'village', intro: [-57, -54], share: 0.07, span: 14, spreadDays: 14 },
  M: { kind: 'market', intro: [-46, -41], share: 0.4, span: 26 },
  B: { kind: 'village', intro: [-38, -33], share: 0.3, span: 30 },
  D: { kind: 'village', intro: [-26, -22], share: 0.15, span: 24 },
  C: { kind: 'village', intro: [-14, -9], share: 0.08, span: 14, indexReport: [-5, -3] },
};

export interface OutbreakSites {
  /** The town or ward with the market. */
  market: string;
  /** The market commune and its neighbours whose people shop there. */
  catchment: string[];
  /** One commune per village introduction, in the order of their slots. */
  villages: { slot: SlotName; commune: string }[];
  /** Every commune whose people the planner needs. */
  all: string[];
}

const parentPath = (path: string) => path.replace(/[^/]+\/$/, '');

/** A commune this large keeps most of its people untouched by a cluster of the outbreak. */
const ROOMY_COMMUNE = 500;

/**
 * The communes of the outbreak, chosen before any person is loaded. The most populous commune is
 * the one the demo's commune users work in (../../server/demo/users.ts): when it is large enough it
 * gets the late cluster still growing, so that its teams have work in progress; on a tiny demo it is
 * left alone, so that tests find untouched people there. The market is in one of the next most
 * populous wards or towns; the other introductions are in other populous communes, preferably in
 * other districts. Most communes stay at zero.
 */
export function chooseOutbreakCommunes(communes: readonly OutbreakCommune[], opts: { seed: number; scale: number }): OutbreakSites {
  const rng = createRng(hashSeed(opts.seed, 'outbreak-communes'));
  const peopled = [...communes].filter((c) => c.population > 0).sort((a, b) => b.population - a.population || a.code.localeCompare(b.code));
  if (peopled.length < 3) throw new Error('the outbreak needs at least three communes with people');
  const [top, ...others] = peopled;
  const urban = others.filter((c) => communeKind(null, c.name) !== 'rural');
  const market = rng.pick((urban.length ? urban : others).slice(0, 3));
  const siblings = others.filter((c) => c.code !== market.code && parentPath(c.path) === parentPath(market.path)).slice(0, 2);
  const catchment = [market.code, ...siblings.map((c) => c.code)];

  const villages: OutbreakSites['villages'] = top.population >= ROOMY_COMMUNE ? [{ slot: 'D', commune: top.code }] : [];
  const rest = others.filter((c) => !catchment.includes(c.code));
  const slots = (['A', 'B', 'D', 'C'] as const).filter((slot) => !villages.some((v) => v.slot === slot));
  // Populous communes only: the top 40 %, at least three per introduction when there are that many.
  const pool = rest.slice(0, Math.max(slots.length * 3, Math.ceil(rest.length * 0.4)));
  const usedDistricts = new Set([parentPath(market.path), ...villages.map(() => parentPath(top.path))]);
  for (const slot of slots) {
    const left = pool.filter((c) => !villages.some((v) => v.commune === c.code));
    if (!left.length) break;
    const fresh = left.filter((c) => !usedDistricts.has(parentPath(c.path)));
    const from = fresh.length ? fresh : left;
    const c = sample(rng, weighted(from.map((x) => [x, x.population] as const)));
    usedDistricts.add(parentPath(c.path));
    villages.push({ slot, commune: c.code });
  }
  return { market: market.code, catchment, villages, all: [...catchment, ...villages.map((v) => v.commune)] };
}

// ---------------------------------------------------------------------------------------------
// Who: immunity and severity

export interface DemoImmunity extends ImmunityFacts {
  status: VaccinationStatus;
  lastDoseDate: string | null;
}

/** A person's vaccination in the demo (the registry has none yet): seeded per person, relative to today. */
export function demoImmunity(seed: number, personId: number, birthDate: string | null, today: string): DemoImmunity {
  const rng = createRng(hashSeed(seed, 'vaccination', personId));
  const age = birthDate ? ageOn(birthDate, today) : 40;
  const none: DemoImmunity = { status: age < 12 ? 'none' : 'unknown', lastDoseDate: null, fullyVaccinatedOn: null, recoveredOn: null };
  if (age < 12) return none;
  const u = rng.next();
  if (u < 0.04) return none;
  if (u < 0.07) return { ...none, status: 'none' };
  if (u < 0.14) return { status: 'partial', lastDoseDate: addDays(today, -rng.int(150, 700)), fullyVaccinatedOn: null, recoveredOn: null };
  const booster = u >= 0.55;
  const last = addDays(today, -(booster ? rng.int(60, 540) : rng.int(120, 800)));
  return { status: booster ? 'booster' : 'full', lastDoseDate: last, fullyVaccinatedOn: last, recoveredOn: null };
}

const SEVERITY_BY_AGE: { maxAge: number; table: ReturnType<typeof weighted<Severity>> }[] = [
  { maxAge: 17, table: weighted<Severity>([['asymptomatic', 40], ['mild', 54], ['moderate', 5], ['severe', 1]]) },
  { maxAge: 64, table: weighted<Severity>([['asymptomatic', 25], ['mild', 57], ['moderate', 12], ['severe', 4], ['critical', 2]]) },
  { maxAge: 200, table: weighted<Severity>([['asymptomatic', 14], ['mild', 44], ['moderate', 24], ['severe', 12], ['critical', 6]]) },
];

// ---------------------------------------------------------------------------------------------
// The simulation

interface Person {
  id: number;
  birthDate: string | null;
  age: number;
  household: OutbreakHousehold;
  /** Everyone of the household, this person included. */
  housemates: Person[];
  /** Already a case or a contact: nobody is traced twice. */
  involved: boolean;
}

interface SimCluster {
  slot: SlotName;
  kind: 'market' | 'village';
  commune: OutbreakCommune;
  budget: number;
  realized: number;
  pending: number;
  intro: number;
  /** Report day of its first case. */
  detected: number | null;
  /** The report day its first case must have (SLOTS.indexReport), when set. */
  indexReport: number | null;
  lastInfection: number;
  indexVillage: string | null;
  cases: number[];
}

interface SimCase {
  person: Person;
  cluster: number;
  infected: number;
  onset: number | null;
  sample: number;
  report: number;
  detectedIn: 'community' | 'quarantine';
  severity: Severity;
  fromContact: number | null;
  rootCase: number;
  marketSpreader: boolean;
}

interface SimContact {
  person: Person;
  source: Person;
  sourceContact: number | null;
  rootCase: number;
  degree: 1 | 2;
  exposure: number;
  traced: number;
  setting: Setting;
  exposureShape: Omit<Exposure, 'exposureDate'>;
  /** How the contact was found (interview, check-in, household). */
  foundBy: PlannedContact['source'];
  /** Met at the market. */
  market: boolean;
  note: string | null;
  becameCase: number | null;
  quarantine: OrderPlan | null;
}

interface Infection {
  person: Person;
  day: number;
  cluster: number;
  contact: number | null;
  seq: number;
}

/** Draws from a Poisson distribution with mean m (Knuth; m is small here). */
function poisson(rng: Rng, m: number): number {
  const limit = Math.exp(-m);
  let k = 0;
  for (let p = rng.next(); p > limit; p *= rng.next()) k++;
  return k;
}

/** 'Xã Hòa Cư' → 'xã Hòa Cư', 'Tổ dân phố 3' → 'tổ dân phố 3': a unit name inside a sentence. */
export function inSentence(name: string): string {
  for (const prefix of ['Tổ dân phố', 'Thị trấn', 'Đặc khu', 'Phường', 'Thôn', 'Bản', 'Xã']) {
    if (name.startsWith(prefix + ' ')) return prefix.toLowerCase() + name.slice(prefix.length);
  }
  return name;
}

/** 'Phường Đông Kinh' → 'Đông Kinh'. */
function placeName(communeName: string): string {
  return communeName.replace(/^(Phường|Thị trấn|Xã|Đặc khu)\s+/, '');
}

/** The deepest unit path every path starts with. */
function commonPath(paths: readonly string[]): string {
  if (!paths.length) return '';
  let parts = paths[0].split('/').filter(Boolean);
  for (const p of paths.slice(1)) {
    const q = p.split('/').filter(Boolean);
    let i = 0;
    while (i < parts.length && i < q.length && parts[i] === q[i]) i++;
    parts = parts.slice(0, i);
  }
  return parts.length ? parts.join('/') + '/' : '';
}

/** An instant in Vietnam time (UTC+7) on a calendar day. */
const at = (date: string, hour: number, minute = 0) => `${date}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00+07:00`;

export function planOutbreak(input: OutbreakInput): OutbreakPlan {
  return new OutbreakPlanner(input).plan();
}

class OutbreakPlanner {
  private readonly rng: Rng;
  private readonly today: string;
  private readonly isoCache = new Map<number, string>();
  private readonly sites: OutbreakSites;
  private readonly communes = new Map<string, OutbreakCommune>();
  private readonly villageNames = new Map<string, string>();
  private readonly byVillage = new Map<string, Person[]>();
  private readonly byCommune = new Map<string, Person[]>();
  private readonly marketPool: Person[] = [];
  private readonly immunity = new Map<number, DemoImmunity>();
  private readonly clusters: SimCluster[] = [];
  private readonly cases: SimCase[] = [];
  private readonly contacts: SimContact[] = [];
  private readonly queue: Infection[] = [];
  private seq = 0;
  private readonly marketName: string;
  /** The market closes (its zone starts) the day after its first case is reported. */
  private marketClosed: number | null = null;

  constructor(private readonly input: OutbreakInput) {
    this.rng = createRng(hashSeed(input.seed, 'outbreak', input.today));
    this.today = input.today;
    for (const c of input.communes) this.communes.set(c.code, c);
    for (const v of input.villages) this.villageNames.set(v.code, v.name);
    this.sites = chooseOutbreakCommunes(input.communes, input);
    this.marketName = `chợ ${placeName(this.communes.get(this.sites.market)!.name)}`;
    const wanted = new Set(this.sites.all);
    // Sorted, so that the plan does not depend on the order the database returned the rows in.
    const households = input.households.filter((h) => wanted.has(h.communeCode)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const catchment = new Set(this.sites.catchment);
    for (const h of households) {
      const housemates: Person[] = [];
      for (const m of [...h.members].sort((a, b) => a.id - b.id)) {
        const p: Person = { id: m.id, birthDate: m.birthDate, age: m.birthDate ? ageOn(m.birthDate, this.today) : 40, household: h, housemates, involved: false };
        housemates.push(p);
        push(this.byCommune, h.communeCode, p);
        if (h.villageCode) push(this.byVillage, h.villageCode, p);
        if (catchment.has(h.communeCode) && p.age >= 15) this.marketPool.push(p);
      }
    }
  }

  private iso(d: number): string {
    let s = this.isoCache.get(d);
    if (!s) this.isoCache.set(d, (s = addDays(this.today, d)));
    return s;
  }

  private immunityOf(p: Person): DemoImmunity {
    let f = this.immunity.get(p.id);
    if (!f) this.immunity.set(p.id, (f = demoImmunity(this.input.seed, p.id, p.birthDate, this.today)));
    return f;
  }

  plan(): OutbreakPlan {
    this.seedIntroductions();
    this.spread();
    return this.assemble();
  }

  // --- introductions -------------------------------------------------------------------------

  private seedIntroductions() {
    const population = this.input.communes.reduce((s, c) => s + c.population, 0);
    const target = Math.max(MIN_CASES, Math.round(population / INHABITANTS_PER_CASE));
    const slots: { slot: SlotName; commune: string }[] = [{ slot: 'M', commune: this.sites.market }, ...this.sites.villages];
    slots.sort((a, b) => SLOTS[a.slot].intro[0] - SLOTS[b.slot].intro[0]);
    const shares = slots.reduce((s, x) => s + SLOTS[x.slot].share, 0);
    for (const { slot, commune } of slots) {
      const def = SLOTS[slot];
      const indexReport = def.indexReport ? this.rng.int(def.indexReport[0], def.indexReport[1]) : null;
      const intro = indexReport != null ? indexReport - this.rng.int(6, 9) : this.rng.int(def.intro[0], def.intro[1]);
      const cluster: SimCluster = {
        slot,
        kind: def.kind,
        commune: this.communes.get(commune)!,
        budget: Math.max(3, Math.round((target * def.share) / shares)),
        realized: 0,
        pending: 0,
        intro,
        detected: null,
        indexReport,
        lastInfection: def.spreadDays != null ? intro + def.spreadDays : 0,
        indexVillage: null,
        cases: [],
      };
      const index = this.pickIndex(commune);
      if (!index) continue;
      cluster.indexVillage = index.household.villageCode;
      const k = this.clusters.push(cluster) - 1;
      index.involved = true;
      this.enqueue({ person: index, day: intro, cluster: k, contact: null });
    }
  }

  /** An adult of a household with others in it, where possible. */
  private pickIndex(commune: string): Person | null {
    const people = (this.byCommune.get(commune) ?? []).filter((p) => !p.involved);
    if (!people.length) return null;
    const good = people.filter((p) => p.age >= 20 && p.age <= 60 && p.housemates.length >= 3);
    return this.rng.pick(good.length ? good : people);
  }

  private enqueue(i: Omit<Infection, 'seq'>) {
    this.queue.push({ ...i, seq: this.seq++ });
    this.clusters[i.cluster].pending++;
  }

  // --- spread --------------------------------------------------------------------------------

  private spread() {
    while (this.queue.length) {
      // Earliest infection first (ties in the order they were made); the queue stays small.
      let best = 0;
      for (let i = 1; i < this.queue.length; i++) {
        const a = this.queue[i];
        const b = this.queue[best];
        if (a.day < b.day || (a.day === b.day && a.seq < b.seq)) best = i;
      }
      const inf = this.queue.splice(best, 1)[0];
      const cluster = this.clusters[inf.cluster];
      cluster.pending--;
      if (cluster.realized >= cluster.budget || inf.day > cluster.lastInfection) continue;
      const k = this.becomeCase(inf);
      if (k == null) continue;
      cluster.realized++;
      cluster.cases.push(k);
      cluster.detected ??= this.cases[k].report;
      if (cluster.kind === 'market' && this.marketClosed == null) this.marketClosed = this.cases[k].report + 1;
      this.trace(k);
    }
  }

  /** The case an infection turns into, or null when it is not reported by today. */
  private becomeCase(inf: Infection): number | null {
    const rng = this.rng;
    const p = inf.person;
    const contact = inf.contact != null ? this.contacts[inf.contact] : null;
    const incubation = rng.int(2, 6);
    const severity = sample(rng, SEVERITY_BY_AGE.find((s) => p.age <= s.maxAge)!.table);
    let onset = severity === 'asymptomatic' ? null : inf.day + incubation;
    let sampleDay: number;
    let detectedIn: SimCase['detectedIn'] = 'community';
    const community = () => (onset ?? inf.day + incubation + rng.int(1, 3)) + rng.int(0, 2);
    const fixedReport = inf.contact == null ? this.clusters[inf.cluster].indexReport : null;
    if (fixedReport != null) {
      // A first case found on a given day: sampled that day or the day before, ill a little earlier.
      sampleDay = fixedReport - rng.int(0, 1);
      if (onset != null) onset = Math.max(inf.day + 2, sampleDay - rng.int(0, 3));
    } else if (contact?.quarantine && (onset ?? inf.day + incubation) >= contact.traced) {
      // Found in quarantine: on symptoms, or at a required test; after its end, found like anyone else.
      const testDay = contact.quarantine.testDays.map((t) => daysBetween(this.today, t.date)).find((d) => d >= inf.day + incubation);
      sampleDay = Math.max(contact.traced, onset != null ? onset + rng.int(0, 1) : (testDay ?? inf.day + incubation + rng.int(0, 2)));
      if (sampleDay <= daysBetween(this.today, contact.quarantine.endDate)) detectedIn = 'quarantine';
      else sampleDay = community();
    } else {
      sampleDay = community();
    }
    const report = fixedReport ?? sampleDay + rng.int(0, 1);
    if (report > 0) return null;
    const k = this.cases.length;
    this.cases.push({
      person: p,
      cluster: inf.cluster,
      infected: inf.day,
      onset,
      sample: sampleDay,
      report,
      detectedIn,
      severity,
      fromContact: inf.contact,
      rootCase: contact ? contact.rootCase : k,
      // The market's first case is a vendor; a share of those infected there keep trading or shopping.
      marketSpreader: this.clusters[inf.cluster].kind === 'market' && (inf.contact == null || (contact!.market && rng.chance(0.3))),
    });
    p.involved = true;
    if (contact) contact.becameCase = k;
    return k;
  }

  /** The reproduction number of a case infected on `day`: high while the cluster spreads unseen, low once tracing and zoning catch up. */
  private reproduction(cluster: SimCluster, day: number): number {
    const since = day - cluster.intro;
    return since < 12 ? 2.6 : since < 22 ? 1.5 : since < 30 ? 0.9 : 0.5;
  }

  /**
   * How many infections the cluster lacks on `day` to follow its course: its budget along an S-curve
   * (smoothstep) over the slot's span. Chance alone would leave a large cluster far from its size.
   */
  private shortfall(cluster: SimCluster, day: number): number {
    const x = Math.min(1, Math.max(0, (day - cluster.intro) / SLOTS[cluster.slot].span));
    return Math.ceil(cluster.budget * x * x * (3 - 2 * x)) - cluster.realized - cluster.pending;
  }

  /** The contacts of a case (F1, and F2 behind some F1s), and which of them it infected. */
  private trace(k: number) {
    const rng = this.rng;
    const c = this.cases[k];
    const cluster = this.clusters[c.cluster];
    const f1 = this.input.policies.f1.value;
    const window = transmissionWindow({ onsetDate: c.onset != null ? this.iso(c.onset) : null, sampleDate: this.iso(c.sample), reportDate: this.iso(c.report) }, f1);
    const from = daysBetween(this.today, window.from);
    const to = Math.min(c.report, 0);
    const traced = Math.min(0, c.report + rng.int(0, 1));
    const made: number[] = [];
    const add = (person: Person, setting: Setting, exposure: number, market = false) => {
      person.involved = true;
      made.push(this.addContact({ person, source: c.person, sourceContact: null, rootCase: c.rootCase, degree: 1, exposure, traced, setting, market }, window));
    };

    for (const m of c.person.housemates) if (m !== c.person && !m.involved) add(m, 'household', to);

    // A few people of the commune; on a tiny demo fewer, so that later cases still find someone.
    const commune = this.byCommune.get(c.person.household.communeCode)?.length ?? 0;
    const community = Math.min(rng.int(3, 8), Math.max(2, Math.ceil(commune * 0.08)));
    for (const [person, setting] of this.communityContacts(c.person, community)) add(person, setting, rng.int(from, to));

    if (c.marketSpreader && this.marketOpenUntil() >= from) {
      const last = Math.min(to, this.marketOpenUntil());
      const shoppers = Math.min(c.fromContact == null ? rng.int(40, 70) : rng.int(8, 20), Math.ceil(this.marketPool.length * 0.2));
      for (const person of this.pickFrom(this.marketPool, shoppers, c.person)) add(person, 'venue', rng.int(from, last), true);
    }

    // Which contacts it infected.
    const r = this.reproduction(cluster, c.infected);
    let offspring = poisson(rng, c.marketSpreader && c.fromContact == null ? r + 5 : c.marketSpreader ? r + 1 : r);
    // Its infections fall a few days after its own: make up half of what the cluster lacks by then.
    const lacking = this.shortfall(cluster, c.infected + 4);
    if (lacking > 0) offspring = Math.max(offspring, Math.ceil(lacking / 2));
    // A cluster far from its size does not die out by chance (a small demo would show next to nothing).
    if (offspring === 0 && cluster.pending === 0 && cluster.realized < cluster.budget / 2) offspring = 1;
    offspring = Math.min(offspring, Math.max(0, cluster.budget - cluster.realized - cluster.pending), made.length);
    const weightOf = (s: Setting) => (s === 'household' ? 4 : s === 'school' || s === 'workplace' ? 2 : 1.5);
    const candidates = [...made];
    for (let i = 0; i < offspring; i++) {
      const table = weighted(candidates.map((j) => [j, weightOf(this.contacts[j].setting)] as const));
      const j = sample(rng, table);
      candidates.splice(candidates.indexOf(j), 1);
      const contact = this.contacts[j];
      // A housemate may have been infected on any day together; others on the day they met.
      const day = contact.setting === 'household' ? rng.int(from, to) : contact.exposure;
      this.enqueue({ person: contact.person, day, cluster: c.cluster, contact: j });
    }

    // F2: people within 2 m of some F1s met outside the household, between the F1's exposure and
    // quarantine — their housemates, else a neighbour (every such F1 of a cluster just found, where
    // tracing goes wide).
    const infected = new Set(made.filter((j) => !candidates.includes(j)));
    const f2Share = cluster.indexReport != null ? 1 : 0.3;
    for (const j of made) {
      const f = this.contacts[j];
      if (infected.has(j) || f.setting === 'household' || f.traced <= f.exposure || !rng.chance(f2Share)) continue;
      const window = { from: this.iso(f.exposure + 1), to: this.iso(f.traced) };
      const f2 = (person: Person, setting: Setting, exposure: number) => {
        person.involved = true;
        this.addContact({ person, source: f.person, sourceContact: j, rootCase: f.rootCase, degree: 2, exposure, traced: f.traced, setting, market: false }, window);
      };
      const housemates = f.person.housemates.filter((m) => m !== f.person && !m.involved).slice(0, 3);
      for (const m of housemates) f2(m, 'household', f.traced);
      if (housemates.length) continue;
      const [neighbour] = this.communityContacts(f.person, 1);
      if (neighbour) f2(neighbour[0], neighbour[1], rng.int(f.exposure + 1, f.traced));
    }
  }

  private marketOpenUntil(): number {
    return this.marketClosed == null ? 0 : this.marketClosed - 1;
  }

  /** Neighbours, colleagues, schoolmates: people of the case's village and commune outside its household. */
  private communityContacts(p: Person, n: number): [Person, Setting][] {
    const rng = this.rng;
    const commune = this.byCommune.get(p.household.communeCode) ?? [];
    const village = (p.household.villageCode && this.byVillage.get(p.household.villageCode)) || commune;
    const out: [Person, Setting][] = [];
    const settings =
      p.age >= 6 && p.age <= 17
        ? weighted<Setting>([['school', 6], ['venue', 3], ['other', 1]])
        : p.age <= 64
          ? weighted<Setting>([['workplace', 5], ['venue', 3], ['other', 2]])
          : weighted<Setting>([['venue', 6], ['other', 4]]);
    for (let i = 0; i < n; i++) {
      const setting = p.age < 6 ? 'other' : sample(rng, settings);
      const pool = setting === 'school' || setting === 'workplace' ? commune : village;
      const fits = (q: Person) => (setting === 'school' ? q.age >= 6 && q.age <= 17 : setting === 'workplace' ? q.age >= 18 && q.age <= 64 : true);
      const taken = out.map(([x]) => x);
      // A village with nobody left to meet (small demos): someone else of the commune.
      const [q] = this.pickFrom(pool, 1, p, fits, taken).concat(pool === commune ? [] : this.pickFrom(commune, 1, p, fits, taken));
      if (q) out.push([q, setting]);
    }
    return out;
  }

  /** Up to n people of a pool, not yet involved, not of `of`'s household. */
  private pickFrom(pool: readonly Person[], n: number, of: Person, fits: (q: Person) => boolean = () => true, taken: Person[] = []): Person[] {
    const out: Person[] = [];
    if (!pool.length) return out;
    for (let tries = 0; out.length < n && tries < n * 8 + 8; tries++) {
      const q = pool[Math.floor(this.rng.next() * pool.length)];
      if (q.involved || q.household.id === of.household.id || !fits(q) || out.includes(q) || taken.includes(q)) continue;
      out.push(q);
    }
    return out;
  }

  /** Records a contact with an exposure that meets the definition (F1: the case's transmission period). */
  private addContact(
    c: Pick<SimContact, 'person' | 'source' | 'sourceContact' | 'rootCase' | 'degree' | 'exposure' | 'traced' | 'setting' | 'market'>,
    window: { from: string; to: string | null },
  ): number {
    const rng = this.rng;
    const minMasked = this.input.policies.f1.value.minMinutesMasked;
    let shape: Omit<Exposure, 'exposureDate'>;
    let source: PlannedContact['source'] = 'interview';
    switch (c.setting) {
      case 'household':
        shape = { proximity: 'physical', durationMinutes: null, masked: false };
        source = 'household';
        break;
      case 'workplace':
      case 'school':
        shape = rng.chance(0.6)
          ? { proximity: 'same_closed_space', durationMinutes: minMasked + rng.int(15, 240), masked: true }
          : { proximity: 'within_2m', durationMinutes: rng.int(10, 120), masked: false };
        break;
      case 'venue':
        shape = rng.chance(0.5) ? { proximity: 'within_2m', durationMinutes: rng.int(3, 30), masked: false } : { proximity: 'within_2m', durationMinutes: minMasked + rng.int(0, 45), masked: true };
        if (c.market && rng.chance(0.5)) source = 'checkin'; // scanned the market's QR code
        break;
      default:
        shape = rng.chance(0.3) ? { proximity: 'physical', durationMinutes: rng.int(5, 60), masked: false } : { proximity: 'within_2m', durationMinutes: rng.int(10, 180), masked: false };
    }
    const exposureDate = this.iso(c.exposure);
    if (!checkF1({ ...shape, exposureDate }, window, this.input.policies.f1.value).meets) throw new Error('demo outbreak: a planned exposure does not meet the definition');
    const quarantine =
      c.degree === 1 ? planQuarantine(this.input.policies.quarantine.value, this.immunityOf(c.person), exposureDate, this.iso(c.traced)) : null;
    const note = c.market ? capitalise(this.marketName) : null;
    return this.contacts.push({ ...c, exposureShape: shape, foundBy: source, note, becameCase: null, quarantine }) - 1;
  }

  // --- the rows ------------------------------------------------------------------------------

  private assemble(): OutbreakPlan {
    const plan: OutbreakPlan = { cases: [], contacts: [], clusters: [], zones: [], facilities: [], orders: [], checks: [], tasks: [] };
    this.planFacilities(plan);

    // Cases and their outcomes.
    const f0 = this.input.policies.f0;
    const allowed = new Set(f0.value.bases);
    const isolations: { k: number; plan: OrderPlan; release: number | null }[] = [];
    for (const [k, c] of this.cases.entries()) {
      const rng = this.rng;
      const imm = this.immunityOf(c.person);
      const iso = planIsolation(this.input.policies.isolation.value, imm, this.iso(c.sample), this.iso(c.report));
      const end = daysBetween(this.today, iso.endDate);
      const extended = daysBetween(this.today, iso.extendedEndDate ?? iso.endDate);
      const grave = c.severity === 'severe' || c.severity === 'critical';
      let status: PlannedCase['status'] = 'confirmed';
      let outcome: number | null = null;
      const dies = (c.severity === 'critical' ? 0.35 : c.severity === 'severe' ? 0.08 : 0) * (c.person.age >= 65 ? 1.5 : 1);
      // An outcome not come by today leaves the case confirmed.
      let fate: { status: PlannedCase['status']; day: number };
      if (rng.chance(dies)) fate = { status: 'died', day: c.report + rng.int(3, 15) };
      else if (rng.chance(grave ? 0.25 : 0.01)) fate = { status: 'transferred', day: c.report + rng.int(1, 4) };
      else {
        // Released on a negative test: mostly on the last day of isolation, some later, the gravest in hospital longer.
        const day =
          c.severity === 'moderate' || grave ? extended + rng.int(0, 7) : rng.chance(0.6) ? end : rng.chance(0.6) ? end + rng.int(1, Math.max(1, extended - end)) : extended;
        fate = { status: 'recovered', day };
      }
      if (fate.day < 0) [status, outcome] = [fate.status, fate.day];
      const basis = this.basisOf(c, allowed);
      plan.cases.push({
        ...this.residenceOf(c.person),
        cluster: c.cluster,
        fromContact: c.fromContact,
        status,
        basis,
        reportedVia: basis === 'pcr' ? 'lab' : basis === 'rapid_f1' ? 'contact' : basis === 'rapid_suspected_link' ? 'health_worker' : 'rapid_test',
        definitionVersion: f0.version,
        reportDate: this.iso(c.report),
        onsetDate: c.onset != null ? this.iso(c.onset) : null,
        sampleDate: this.iso(c.sample),
        detectedIn: c.detectedIn,
        vaccinationStatus: imm.status,
        lastDoseDate: imm.lastDoseDate,
        severity: c.severity,
        outcomeDate: outcome != null ? this.iso(outcome) : null,
        notes: c.fromContact == null ? this.indexNote(this.clusters[c.cluster]) : null,
      });
      isolations.push({ k, plan: iso, release: outcome });
    }

    // Contacts.
    for (const c of this.contacts) {
      plan.contacts.push({
        ...this.residenceOf(c.person),
        sourcePersonId: c.source.id,
        sourceContact: c.sourceContact,
        rootCase: c.rootCase,
        degree: c.degree,
        exposureDate: this.iso(c.exposure),
        setting: c.setting,
        proximity: c.exposureShape.proximity,
        durationMinutes: c.exposureShape.durationMinutes,
        masked: c.exposureShape.masked,
        meetsDefinition: true,
        source: c.foundBy,
        status: c.becameCase != null ? 'became_case' : 'traced',
        note: c.note,
        tracedDate: this.iso(c.traced),
      });
    }

    this.planOrders(plan, isolations);
    this.planTasks(plan);
    this.planClusters(plan);
    this.planZones(plan);
    return plan;
  }

  /** Which F0 basis confirmed a case: PCR mostly; a rapid test for an F1 in quarantine; within the definition in force. */
  private basisOf(c: SimCase, allowed: Set<F0Basis>): F0Basis {
    const wanted: F0Basis =
      c.detectedIn === 'quarantine'
        ? this.rng.chance(0.6)
          ? 'rapid_f1'
          : 'pcr'
        : sample(this.rng, weighted<F0Basis>([['pcr', 60], ['rapid_suspected_link', 25], ['rapid_twice', 15]]));
    return allowed.has(wanted) ? wanted : 'pcr';
  }

  private indexNote(cluster: SimCluster): string {
    return cluster.kind === 'market'
      ? `Ca đầu tiên của chùm ca bệnh: tiểu thương tại ${this.marketName}`
      : 'Ca đầu tiên của ổ dịch: trở về từ tỉnh ngoài';
  }

  private planFacilities(plan: OutbreakPlan) {
    const scale = this.input.scale;
    const second = this.sites.villages.find((v) => v.slot === 'B')?.commune ?? this.sites.market;
    const facility = (name: string, kind: PlannedFacility['kind'], code: string, capacity: number) => {
      const c = this.communes.get(code)!;
      plan.facilities.push({ name, kind, unitPath: c.path, communeCode: c.code, address: c.name, capacity });
    };
    facility(`Khu cách ly tập trung số 1 (${inSentence(this.communes.get(this.sites.market)!.name)})`, 'centralised', this.sites.market, Math.max(20, Math.round(300 * scale)));
    facility(`Khu cách ly tập trung số 2 (${inSentence(this.communes.get(second)!.name)})`, 'centralised', second, Math.max(15, Math.round(200 * scale)));
    facility('Cơ sở thu dung, điều trị COVID-19 số 1', 'hospital', this.sites.market, Math.max(10, Math.round(150 * scale)));
  }

  /** Quarantine orders for traced F1s, isolation orders for cases; decision numbers per commune in date order. */
  private planOrders(plan: OutbreakPlan, isolations: { k: number; plan: OrderPlan; release: number | null }[]) {
    const rng = this.rng;
    const occupied = plan.facilities.map(() => 0);
    const facilityFor = (kind: PlannedFacility['kind'], active: boolean): number | null => {
      for (const [i, f] of plan.facilities.entries()) {
        if (f.kind !== kind) continue;
        if (active && occupied[i] >= f.capacity) continue;
        if (active) occupied[i]++;
        return i;
      }
      return null;
    };
    const q = this.input.policies.quarantine;
    const orders: PlannedOrder[] = [];
    for (const [j, c] of this.contacts.entries()) {
      if (c.degree !== 1 || !c.quarantine) continue;
      const k = c.becameCase;
      const kase = k != null ? this.cases[k] : null;
      // Already a case when traced: isolated, not quarantined.
      if (kase && kase.detectedIn === 'community' && kase.report <= c.traced) continue;
      const o = c.quarantine;
      const end = daysBetween(this.today, o.endDate);
      let status: PlannedOrder['status'] = end >= 0 ? 'active' : 'released';
      let released: number | null = end >= 0 ? null : end;
      let note: string | null = null;
      if (kase && kase.report <= end) [status, released, note] = ['cancelled', kase.report, 'Chuyển thành ca bệnh (F0)'];
      // A commune sends some F1s whose homes do not allow quarantine to a centralised facility.
      let place: PlannedOrder['place'] = o.place;
      let facility: number | null = null;
      if (o.place === 'centralised' || rng.chance(0.12)) {
        facility = facilityFor('centralised', status === 'active');
        place = facility == null ? 'home' : 'centralised';
      }
      orders.push({
        ...this.residenceOf(c.person),
        kind: 'quarantine',
        place,
        facility,
        case: null,
        contact: j,
        startDate: o.startDate,
        endDate: o.endDate,
        monitorUntil: o.monitorUntil,
        testDays: o.testDays,
        policyKey: 'quarantine.f1',
        policyVersion: q.version,
        rule: o.rule,
        status,
        releasedDate: released != null ? this.iso(released) : null,
        releaseNote: note,
        decisionNo: '',
      });
    }
    for (const { k, plan: o, release } of isolations) {
      const c = plan.cases[k];
      const status: PlannedOrder['status'] = c.status === 'confirmed' ? 'active' : c.status === 'died' ? 'cancelled' : 'released';
      const note = c.status === 'recovered' ? 'Khỏi bệnh, xét nghiệm âm tính' : c.status === 'died' ? 'Tử vong' : c.status === 'transferred' ? 'Chuyển tuyến điều trị' : null;
      let place: PlannedOrder['place'] = o.place;
      let facility: number | null = null;
      if (c.severity === 'moderate' || c.severity === 'severe' || c.severity === 'critical') {
        facility = facilityFor('hospital', status === 'active');
        place = facility == null ? o.place : 'hospital';
      }
      if (place !== 'hospital' && (o.place === 'centralised' || rng.chance(0.1))) {
        facility = facilityFor('centralised', status === 'active');
        place = facility == null ? 'home' : 'centralised';
      }
      orders.push({
        ...this.residenceOf(this.cases[k].person),
        kind: 'isolation',
        place,
        facility: place === 'home' ? null : facility,
        case: k,
        contact: null,
        startDate: o.startDate,
        endDate: o.endDate,
        monitorUntil: o.monitorUntil,
        testDays: o.testDays,
        policyKey: 'isolation.f0',
        policyVersion: this.input.policies.isolation.version,
        rule: o.rule,
        status,
        releasedDate: release != null ? this.iso(Math.max(release, daysBetween(this.today, o.startDate))) : null,
        releaseNote: note,
        decisionNo: '',
      });
    }
    // Numbered by the commune's People's Committee in the order they were issued.
    const order = orders.map((_, i) => i).sort((a, b) => (orders[a].startDate < orders[b].startDate ? -1 : orders[a].startDate > orders[b].startDate ? 1 : a - b));
    const counters = new Map<string, number>();
    for (const i of order) {
      const n = (counters.get(orders[i].communeCode) ?? 0) + 1;
      counters.set(orders[i].communeCode, n);
      orders[i].decisionNo = `${n}/QĐ-UBND`;
    }
    plan.orders = orders;
  }

  private residenceOf(p: Person): Residence {
    return { personId: p.id, unitPath: p.household.unitPath, communeCode: p.household.communeCode };
  }

  /**
   * Tasks: investigate each case, call each contact, deliver each decision, test on the test days,
   * check active orders daily. Older tasks are done; of the last three days' some are left
   * (overdue); today's and later ones are open. Daily checks done leave a check row.
   */
  private planTasks(plan: OutbreakPlan) {
    const rng = this.rng;
    type Refs = Pick<PlannedTask, 'kind' | 'role' | 'case' | 'contact' | 'order' | 'detail'>;
    const task = (who: Residence, refs: Refs, dueDay: string, dueHour: number, createdDay: string, cancelledFrom: string | null = null): PlannedTask => {
      const d = daysBetween(this.today, dueDay);
      const t: PlannedTask = {
        personId: who.personId,
        unitPath: who.unitPath,
        communeCode: who.communeCode,
        ...refs,
        dueAt: at(dueDay, dueHour),
        status: 'open',
        doneAt: null,
        note: null,
        createdAt: at(createdDay, 7), // 00:00 UTC: never after now for a day up to today
      };
      if (cancelledFrom && cancelledFrom <= dueDay) {
        t.status = 'cancelled';
        t.note = refs.kind === 'test_contact' ? 'became_case' : 'released';
      } else if (d < -3 || (d < 0 && rng.chance(0.75))) {
        t.status = 'done';
        t.doneAt = at(dueDay, rng.int(8, 16), rng.int(0, 59));
      }
      plan.tasks.push(t);
      return t;
    };
    for (const [k, c] of plan.cases.entries()) {
      task(c, { kind: 'investigate_case', role: 'health_worker', case: k, contact: null, order: null, detail: null }, addDays(c.reportDate, 1), 12, c.reportDate);
    }
    for (const [j, c] of plan.contacts.entries()) {
      task(c, { kind: 'call_contact', role: 'community_team', case: null, contact: j, order: null, detail: { degree: c.degree } }, c.tracedDate, 17, c.tracedDate);
    }
    for (const [i, o] of plan.orders.entries()) {
      const refs = { case: o.case, contact: o.contact, order: i };
      task(o, { kind: 'deliver_decision', role: 'community_team', ...refs, detail: { decisionNo: o.decisionNo } }, addDays(o.startDate, 1), 17, o.startDate);
      if (o.kind === 'quarantine') {
        for (const t of o.testDays) {
          const due = t.date < o.startDate ? o.startDate : t.date;
          const cancelledFrom = o.status === 'cancelled' ? o.releasedDate : null;
          task(o, { kind: 'test_contact', role: 'health_worker', ...refs, detail: { day: t.day, date: t.date } }, due, 17, o.startDate, cancelledFrom);
        }
      }
      if (o.status !== 'active') continue;
      // The last days of follow-up of an active order, today's visit and tomorrow's (a quarantine's up to its end).
      const last = o.kind === 'quarantine' ? Math.min(1, daysBetween(this.today, o.endDate)) : 1;
      for (let d = Math.max(daysBetween(this.today, o.startDate), -2); d <= last; d++) {
        const date = this.iso(d);
        const t = task(o, { kind: 'daily_check', role: 'community_team', ...refs, detail: { day: date } }, date, 17, date);
        if (t.status !== 'done') continue;
        const u = rng.next();
        const [status, note] = u < 0.93 ? (['ok', null] as const) : u < 0.98 ? (['symptoms', 'Sốt nhẹ, ho khan'] as const) : (['absent', 'Không có mặt tại nơi cách ly'] as const);
        plan.checks.push({ order: i, day: date, status, note, checkedAt: t.doneAt! });
      }
    }
    // Some work is always late: if chance left none, the last task done of the past days was not.
    const overdue = plan.tasks.some((t) => t.status === 'open' && t.dueAt < at(this.today, 0));
    const late = plan.tasks.filter((t) => t.status === 'done' && t.dueAt >= at(this.iso(-3), 0)).sort((a, b) => (a.dueAt < b.dueAt ? 1 : a.dueAt > b.dueAt ? -1 : 0))[0];
    if (!overdue && late) {
      [late.status, late.doneAt] = ['open', null];
      if (late.kind === 'daily_check') plan.checks = plan.checks.filter((c) => !(c.order === late.order && c.day === (late.detail as { day: string }).day));
    }
  }

  private planClusters(plan: OutbreakPlan) {
    const windowDays = this.input.policies.clusterWindowDays;
    for (const cl of this.clusters) {
      if (cl.cases.length < 2) continue;
      const cases = cl.cases.map((k) => plan.cases[k]);
      const dates = cases.map((c) => c.reportDate).sort();
      const settings = new Set(cl.cases.map((k) => this.cases[k].fromContact).filter((j): j is number => j != null).map((j) => this.contacts[j].setting));
      const links = new Set([...settings].map((s) => (s === 'household' ? 'household' : s === 'venue' ? 'venue' : 'contacts')));
      const village = cl.indexVillage ? this.villageNames.get(cl.indexVillage) : null;
      plan.clusters.push({
        name: cl.kind === 'market' ? `Chùm ca bệnh ${this.marketName}` : `Ổ dịch ${village ? inSentence(village) + ', ' : ''}${inSentence(cl.commune.name)}`,
        status: daysBetween(dates[dates.length - 1], this.today) > windowDays ? 'closed' : 'active',
        unitPath: commonPath(cases.map((c) => c.unitPath)),
        link: links.size === 1 ? ([...links][0] as PlannedCluster['link']) : links.size === 0 ? 'contacts' : 'mixed',
        firstDate: dates[0],
        lastDate: dates[dates.length - 1],
        note:
          cl.kind === 'market'
            ? `Tiểu thương và người đi ${this.marketName}, lây lan tiếp trong hộ gia đình`
            : 'Lây lan trong hộ gia đình và cộng đồng dân cư',
        cases: cl.cases,
      });
    }
  }

  /** A zone around the market, a lockdown of each introduction's village; lifted 14 days (policy) after their last case. */
  private planZones(plan: OutbreakPlan) {
    const lift = this.input.policies.zoneLiftDays;
    const zone = (z: Omit<PlannedZone, 'lastCaseDate' | 'plannedLiftDate' | 'liftedDate' | 'status'>) => {
      const codes = new Set(z.unitCodes);
      let last: string | null = null;
      for (const c of plan.cases) {
        const village = c.unitPath.split('/').filter(Boolean).pop()!;
        if ((codes.has(village) || codes.has(c.communeCode)) && (!last || c.reportDate > last)) last = c.reportDate;
      }
      const planned = plannedLiftDate({ startDate: z.startDate, lastCaseDate: last }, lift);
      const lifted = planned <= this.today;
      plan.zones.push({ ...z, lastCaseDate: last, plannedLiftDate: planned, liftedDate: lifted ? planned : null, status: lifted ? 'lifted' : 'active' });
    };
    const start = (cl: SimCluster) => this.iso(Math.min(0, (cl.detected ?? 0) + 1));
    for (const cl of this.clusters) {
      if (cl.detected == null) continue;
      const villagePath = (code: string) => `${cl.commune.path}${code}/`;
      if (cl.kind === 'market') {
        // The market's residential group and the two others with the most cases of the commune.
        const counts = new Map<string, number>();
        for (const k of cl.cases) {
          const h = this.cases[k].person.household;
          if (h.communeCode === cl.commune.code && h.villageCode) counts.set(h.villageCode, (counts.get(h.villageCode) ?? 0) + 1);
        }
        const around = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([v]) => v);
        const codes = [...new Set([...(cl.indexVillage ? [cl.indexVillage] : []), ...around])].slice(0, 3);
        zone({
          name: `Khu vực ${this.marketName} (${inSentence(cl.commune.name)})`,
          kind: 'zoned',
          unitPath: codes.length === 1 ? villagePath(codes[0]) : cl.commune.path,
          unitCodes: codes.length ? codes : [cl.commune.code],
          streets: `${capitalise(this.marketName)} và các tuyến phố, ngõ xung quanh`,
          startDate: start(cl),
          reason: `Chùm ca bệnh ${this.marketName}`,
        });
      } else {
        const village = cl.indexVillage;
        const name = village ? inSentence(this.villageNames.get(village) ?? village) : null;
        zone({
          name: `Phong tỏa ${name ? name + ', ' : ''}${inSentence(cl.commune.name)}`,
          kind: 'lockdown',
          unitPath: village ? villagePath(village) : cl.commune.path,
          unitCodes: [village ?? cl.commune.code],
          streets: null,
          startDate: start(cl),
          reason: `Ổ dịch ${name ? name + ', ' : ''}${inSentence(cl.commune.name)}`,
        });
      }
    }
  }
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function push<K, V>(m: Map<K, V[]>, k: K, v: V) {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}
