// Types and queries of the testing area, as the server sends them (src/server/modules/testing).
import { useQuery } from '@tanstack/react-query';
import { api } from '../lib/api.ts';

export type TestResult = 'positive' | 'negative' | 'invalid';

// ---- sampling plans (src/server/modules/testing/plans.ts) ----
/** How a stratum's people are found: residents of a unit (optionally by age), residents of an active zone, a list of people, or people met on site (every k-th). */
export const STRATUM_KINDS = ['residents', 'zone_residents', 'listed', 'on_site'] as const;
export type StratumKind = (typeof STRATUM_KINDS)[number];
/** Groups the seed documents name, offered as names for a stratum (with the kind that fits them). */
export const GROUP_PRESETS: { key: string; kind: StratumKind; riskWeight: number }[] = [
  { key: 'market_vendors', kind: 'on_site', riskWeight: 3 },
  { key: 'drivers', kind: 'on_site', riskWeight: 3 },
  { key: 'factory_workers', kind: 'on_site', riskWeight: 2 },
  { key: 'health_staff', kind: 'listed', riskWeight: 2 },
  { key: 'zone_residents', kind: 'zone_residents', riskWeight: 4 },
  { key: 'returnees', kind: 'listed', riskWeight: 3 },
  { key: 'random_residents', kind: 'residents', riskWeight: 1 },
];

export interface PopulationInput {
  unitCode?: string;
  ageMin?: number | null;
  ageMax?: number | null;
  zoneId?: number;
  personIds?: number[];
  estimatedSize?: number | null;
  description?: string | null;
}

export interface StratumInput {
  name: string;
  kind: StratumKind;
  riskWeight: number;
  population: PopulationInput;
  site?: { name: string; unitCode: string; address?: string | null } | null;
  chosenSize?: number | null;
}

export interface PlanStratum {
  id: number;
  position: number;
  name: string;
  kind: StratumKind;
  riskWeight: number;
  population: PopulationInput & { unitPath?: string; zoneName?: string; unitCodes?: string[]; personCount?: number };
  populationSize: number | null;
  /** Freedom-from-disease sample for the stratum's size (finite-population formula when the size is known). */
  requiredSize: number;
  /** Its share of the budget (by risk weight × need). */
  proposedSize: number;
  chosenSize: number | null;
  /** What will be drawn: the officer's choice or the proposal, never more than the population. */
  size: number;
  confidenceAtSize: number;
  siteId: number | null;
  site: string | null;
  drawnCount: number;
  everyKth: number | null;
  startAt: number | null;
  collected: number;
  resulted: number;
  positive: number;
}

export interface PlanSite {
  id: number;
  name: string;
  unitCode: string;
  unitName: string | null;
  address: string | null;
  people: number;
  collected: number;
}

export interface Plan {
  id: number;
  name: string;
  planDate: string;
  unitCode: string;
  unitName: string | null;
  budget: number;
  designPrevalence: number;
  confidence: number;
  sensitivity: number;
  seed: number;
  status: 'draft' | 'drawn' | 'closed';
  designPolicyVersion: number | null;
  note: string | null;
  version: number;
  drawnAt: string | null;
  createdAt: string;
  totals: { required: number; proposed: number; chosen: number; drawn: number; collected: number; resulted: number; positive: number; surplus: number; meetsDesign: boolean };
  strata: PlanStratum[];
  sites: PlanSite[];
}

export interface PlanListItem {
  id: number;
  name: string;
  planDate: string;
  unitCode: string;
  unitName: string | null;
  budget: number;
  status: Plan['status'];
  seed: number;
  strata: number;
  people: number;
  collected: number;
}

export interface SitePerson {
  order: number;
  personId: number;
  fullName: string;
  birthDate: string | null;
  sex: 'M' | 'F' | null;
  cccd: string | null;
  phone: string | null;
  address: string | null;
  villageName: string | null;
  communeName: string | null;
  stratumId: number;
  stratum: string;
  siteId: number;
  specimenId: number | null;
  barcode: string | null;
}

export const usePlans = () => useQuery({ queryKey: ['testing', 'plans'], queryFn: ({ signal }) => api<PlanListItem[]>('/testing/plans', { signal }) });
export const usePlan = (id: number | null) =>
  useQuery({ queryKey: ['testing', 'plan', id], queryFn: ({ signal }) => api<Plan>(`/testing/plans/${id}`, { signal }), enabled: id != null });
export const useSitePeople = (planId: number, siteId: number | null, enabled: boolean) =>
  useQuery({
    queryKey: ['testing', 'plan', planId, 'people', siteId],
    queryFn: ({ signal }) => api<{ total: number; items: SitePerson[] }>(`/testing/plans/${planId}/people`, { query: { site: siteId, limit: 5000 }, signal }),
    enabled,
  });

// ---- collection and pools (src/server/modules/testing/collection.ts) ----
export type SpecimenKind = 'single' | 'pool_member';

export interface CollectionEvent {
  id: number;
  eventDate: string;
  siteName: string;
  unitCode: string;
  unitName: string | null;
  team: string | null;
  planId: number | null;
  siteId: number | null;
  labId: number | null;
  labName: string | null;
  defaultKind: SpecimenKind;
  status: 'open' | 'closed';
  specimens: number;
  pools: number;
  createdAt: string;
}

export interface Specimen {
  id: number;
  barcode: string;
  eventId: number;
  personId: number | null;
  subjectName: string;
  subjectCccd: string | null;
  subjectPhone: string | null;
  vehiclePlate: string | null;
  birthDate: string | null;
  communeCode: string;
  communeName: string | null;
  kind: SpecimenKind;
  planId: number | null;
  stratumId: number | null;
  followUpId: number | null;
  labId: number | null;
  poolId: number | null;
  poolBarcode: string | null;
  collectedAt: string;
  status: 'collected' | 'pooled' | 'follow_up' | 'resulted' | 'rejected';
  outcome: 'positive' | 'negative' | null;
  outcomeSource: 'own' | 'pool' | null;
  resultedAt: string | null;
  siteName: string | null;
}

export interface Pool {
  id: number;
  barcode: string;
  eventId: number | null;
  labId: number;
  labName: string | null;
  method: 'collection' | 'lab';
  unitCode: string;
  unitName: string | null;
  areaRisk: 'low' | 'high';
  maxSize: number;
  policyVersion: number;
  members: number;
  status: 'open' | 'sealed' | 'resulted';
  outcome: 'positive' | 'negative' | null;
  createdAt: string;
  sealedAt: string | null;
  resultedAt: string | null;
}

/** A pool with its member specimens. */
export type PoolWithMembers = Omit<Pool, 'members'> & { members: (Specimen & { addedAt: string })[]; riskReason?: 'zone' | 'listed' | null };

export interface PoolAdvice {
  prevalence: number;
  optimum: { k: number; expected: number; saving: number };
  withinPolicy: { k: number; expected: number; saving: number; maxPoolSize: number };
  poolingHelps: boolean;
  table: { k: number; expected: number; saving: number }[];
}

// ---- lab (src/server/modules/testing/worklists.ts, labResults.ts) ----
export interface Lab {
  id: number;
  name: string;
  unitCode: string;
  unitName?: string | null;
  address: string | null;
  capacitySingle: number;
  capacityPooled: number;
  active: boolean;
}

/** What waits at a lab: a sealed pool, a single specimen, or the own tube of a positive pool's member. */
export interface WorkItem {
  type: 'pool' | 'specimen' | 'retest';
  id: number;
  barcode: string;
  members: number | null;
  subjectName: string | null;
  collectedAt: string;
  waitingHours: number;
  overdue: boolean;
  poolBarcode: string | null;
  followUpId: number | null;
  lastOutcome: 'invalid' | null;
}

export interface Worklist {
  dueHours: number;
  items: WorkItem[];
  counts: { pools: number; specimens: number; retests: number; overdue: number; openPools: number };
}

export interface AppliedResult {
  barcode: string;
  status: 'inserted' | 'replaced' | 'unchanged' | 'conflict' | 'error';
  issue?: string;
  outcome?: TestResult;
  conflictId?: number;
  effects: { followUps?: number; followUpState?: FollowUpState; caseId?: number; caseAction?: 'created' | 'noted' | 'unregistered' | 'failed'; caseError?: string; personRegistered?: 'found' | 'added' };
}

export interface Conflict {
  id: number;
  status: 'open' | 'kept' | 'replaced';
  barcode: string;
  targetType: 'specimen' | 'pool';
  targetId: number;
  subjectName: string | null;
  existing: { id: number; outcome: TestResult; ct: number | null; testedAt: string; source: string; labId: number };
  proposed: { outcome: TestResult; ct: number | null; testedAt: string; source: string; labId: number; importJobId: number | null; rowNumbers: number[] | null };
  note: string | null;
  createdAt: string;
}

export type FollowUpState = 'pending' | 'collected' | 'positive' | 'negative' | 'closed';

export interface FollowUp {
  id: number;
  poolId: number;
  poolBarcode: string;
  specimenId: number;
  barcode: string;
  personId: number | null;
  subjectName: string;
  phone: string | null;
  address: string | null;
  communeCode: string;
  communeName: string | null;
  action: 'resample' | 'retest';
  status: FollowUpState;
  newSpecimenId: number | null;
  newBarcode: string | null;
  caseId: number | null;
  note: string | null;
  createdAt: string;
  resolvedAt: string | null;
}

// ---- rapid tests (src/server/modules/testing/rapid.ts) ----
export type RapidOutcome = TestResult;
export interface RapidTest {
  id: number;
  personId: number | null;
  subjectName: string;
  subjectCccd: string | null;
  vehiclePlate: string | null;
  communeCode: string;
  communeName: string | null;
  outcome: RapidOutcome;
  readAt: string;
  kit: string | null;
  source: 'health_worker' | 'self_report';
  hasPhoto: boolean;
  effect: 'none' | 'case' | 'case_noted' | 'confirmation_task' | 'unregistered';
  caseId: number | null;
  createdAt: string;
}

/** A photo as the API takes it. */
export interface PhotoBody {
  contentType: 'image/jpeg' | 'image/png' | 'image/webp';
  dataBase64: string;
}

// ---- dashboard (src/server/modules/testing/dashboard.ts) ----
export interface Dashboard {
  from: string;
  to: string;
  totals: { specimens: number; single: number; pooled: number; resulted: number; positive: number; positivity: number | null; pools: number; positivePools: number };
  byDay: { day: string; specimens: number; single: number; pooled: number; resulted: number; positive: number; positivity: number | null }[];
  byUnit: { unitCode: string; name: string; specimens: number; resulted: number; positive: number; positivity: number | null }[];
  capacity: {
    targets: { singlePerDay: number; pooledPerDay: number; policyVersion: number; source: string };
    byDay: { day: string; singleTests: number; poolTests: number; pooledSpecimens: number; singleShare: number | null; pooledShare: number | null }[];
    labs: { id: number; name: string; capacitySingle: number; capacityPooled: number; singleTests: number; poolTests: number; pooledSpecimens: number; days: number; perDaySingle: number; perDayPooled: number; useSingle: number | null; usePooled: number | null }[];
  };
  turnaround: { resulted: number; meanHours: number | null; within12h: number; within24h: number; within48h: number; over48h: number };
  overdue: { dueHours: number; count: number; items: { id: number; barcode: string; collectedAt: string; labId: number | null; labName: string | null; poolBarcode: string | null; communeName: string | null; waitingHours: number }[] };
}

export interface StratumPositivity {
  planId: number;
  planName: string;
  planDate: string;
  stratumId: number;
  name: string;
  kind: StratumKind;
  riskWeight: number;
  size: number;
  drawn: number;
  collected: number;
  resulted: number;
  positive: number;
  positivity: number | null;
}

// ---- checkpoint lookup (src/server/modules/testing/lookup.ts) ----
export type CheckpointStatus = 'valid_negative' | 'positive' | 'expired' | 'none';
export interface LookupResult {
  kind: 'pcr' | 'pcr_pool' | 'rapid';
  outcome: 'positive' | 'negative';
  resultAt: string;
  validUntil: string | null;
  subjectName: string;
  vehiclePlate: string | null;
  place: string | null;
}
export interface ValidResults {
  status: CheckpointStatus;
  validUntil: string | null;
  hours: number;
  policyVersion: number;
  result: LookupResult | null;
  results: LookupResult[];
}

export const useLabs = () => useQuery({ queryKey: ['testing', 'labs'], queryFn: ({ signal }) => api<Lab[]>('/testing/labs', { signal }), staleTime: 300_000 });

export interface EventDetail {
  event: CollectionEvent;
  specimens: Specimen[];
  pools: Pool[];
}
export const useEvent = (id: number | null) =>
  useQuery({ queryKey: ['testing', 'event', id], queryFn: ({ signal }) => api<EventDetail>(`/testing/events/${id}`, { signal }), enabled: id != null });

/** A key for a request a phone may retry (the server answers the retry with what it already did). */
export function idempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const a = new Uint32Array(4);
  crypto.getRandomValues(a);
  return Array.from(a, (x) => x.toString(16).padStart(8, '0')).join('-');
}

export const useWorklist = (labId: string | null) =>
  useQuery({ queryKey: ['testing', 'worklist', labId], queryFn: ({ signal }) => api<Worklist & { lab: Lab }>(`/testing/labs/${labId}/worklist`, { signal }), enabled: !!labId, refetchInterval: 30_000 });
export const useConflicts = () => useQuery({ queryKey: ['testing', 'conflicts'], queryFn: ({ signal }) => api<{ items: Conflict[] }>('/testing/conflicts', { signal }).then((r) => r.items) });
export const useFollowUps = (f: { state: 'open' | 'done' | 'all'; jobId?: number | null; poolId?: number | null }) =>
  useQuery({
    queryKey: ['testing', 'follow-ups', f.state, f.jobId ?? null, f.poolId ?? null],
    queryFn: ({ signal }) => api<{ items: FollowUp[] }>('/testing/follow-ups', { query: { state: f.state, jobId: f.jobId, poolId: f.poolId, limit: 5000 }, signal }).then((r) => r.items),
  });
