// Types and queries of the testing area, as the server sends them (src/server/modules/testing).
import { useQuery } from '@tanstack/react-query';
import { api } from '../lib/api.ts';

export type TestResult = 'positive' | 'negative' | 'invalid';

// ---- sampling plans ----
export const STRATUM_KINDS = ['market_vendors', 'drivers', 'factory_workers', 'health_staff', 'zone_residents', 'returnees', 'random_residents', 'other'] as const;
export type StratumKind = (typeof STRATUM_KINDS)[number];

export interface StratumInput {
  name: string;
  kind: StratumKind;
  unitCode: string | null;
  riskWeight: number;
  population: number | null;
  site: string;
}

export interface PlanParams {
  designPrevalence: number;
  confidence: number;
  sensitivity: number;
  budget: number | null;
}

export interface StratumSize extends StratumInput {
  id?: number;
  unitName?: string | null;
  /** Sample size for an infinite population: ln(1 − C) / ln(1 − p·Se). */
  nInfinite: number;
  /** After the finite-population correction (Cannon & Roe). */
  nFinite: number;
  /** What the plan takes after risk weights and the budget. */
  allocated: number;
  drawn?: number | null;
}

export interface Plan extends PlanParams {
  id: number;
  planDate: string;
  unitCode: string;
  unitName: string | null;
  status: 'draft' | 'drawn';
  seed: string | null;
  totalSample: number;
  policyVersion?: number | null;
  strata: StratumSize[];
  createdAt?: string;
  createdBy?: string | null;
}

export interface PlanListItem {
  id: number;
  planDate: string;
  unitCode: string;
  unitName: string | null;
  status: Plan['status'];
  totalSample: number;
  strataCount: number;
}

export interface DrawnPerson {
  personId: number;
  fullName: string;
  birthDate: string | null;
  sex: 'M' | 'F' | null;
  cccd: string | null;
  phone: string | null;
  address: string | null;
  communeName: string | null;
  villageName: string | null;
  stratumName: string;
}

export interface SiteList {
  site: string;
  people: DrawnPerson[];
}

export const usePlans = () => useQuery({ queryKey: ['testing', 'plans'], queryFn: ({ signal }) => api<{ items: PlanListItem[] }>('/testing/plans', { signal }).then((r) => r.items) });
export const usePlan = (id: number | null) =>
  useQuery({ queryKey: ['testing', 'plan', id], queryFn: ({ signal }) => api<Plan>(`/testing/plans/${id}`, { signal }), enabled: id != null });
export const usePlanLists = (id: number | null, enabled: boolean) =>
  useQuery({ queryKey: ['testing', 'plan', id, 'lists'], queryFn: ({ signal }) => api<{ sites: SiteList[] }>(`/testing/plans/${id}/lists`, { signal }).then((r) => r.sites), enabled: id != null && enabled });

// ---- collection and pools ----
export interface CollectionEvent {
  id: number;
  eventDate: string;
  site: string;
  team: string;
  unitCode: string;
  unitName: string | null;
  planId: number | null;
  specimenCount: number;
  poolCount: number;
  maxPoolSize: number;
}

export interface Specimen {
  id: number;
  barcode: string;
  personId: number | null;
  fullName: string | null;
  collectedAt: string;
  poolBarcode: string | null;
  kind: 'single' | 'pooled';
  result: TestResult | null;
}

export interface Pool {
  id: number;
  barcode: string;
  maxSize: number;
  members: { barcode: string; fullName: string | null; specimenId: number }[];
  status: 'open' | 'closed' | 'sent' | 'tested';
  result: TestResult | null;
}

export interface EventDetail {
  event: CollectionEvent;
  specimens: Specimen[];
  pools: Pool[];
}

export const useEvents = (date: string | null) =>
  useQuery({ queryKey: ['testing', 'events', date], queryFn: ({ signal }) => api<{ items: CollectionEvent[] }>('/testing/events', { query: { date }, signal }).then((r) => r.items) });
export const useEvent = (id: number | null) =>
  useQuery({ queryKey: ['testing', 'event', id], queryFn: ({ signal }) => api<EventDetail>(`/testing/events/${id}`, { signal }), enabled: id != null });

export interface AdvisorRow {
  k: number;
  expectedTestsPerPerson: number;
}
export interface PoolAdvice {
  prevalence: number;
  recommendedK: number | null;
  expectedTestsPerPerson: number;
  saving: number;
  maxPoolSize: number;
  unconstrainedK: number | null;
  table: AdvisorRow[];
}

// ---- lab ----
export interface Lab {
  id: number;
  name: string;
  unitCode: string | null;
  dailyCapacity?: number | null;
}

export interface LabCounts {
  waiting: number;
  conflicts: number;
  followUps: number;
}

/** A sample or a pool waiting for its result at a lab. */
export interface WorkItem {
  kind: 'pool' | 'single';
  id: number;
  barcode: string;
  members: number;
  collectedAt: string;
  receivedAt: string | null;
  site: string | null;
  fullName: string | null;
  overdue: boolean;
  retestOf?: string | null;
}

export interface Conflict {
  id: number;
  barcode: string;
  kind: 'pool' | 'single';
  current: { outcome: TestResult; ct: number | null; at: string; by: string | null };
  incoming: { outcome: TestResult; ct: number | null; at: string; by: string | null; source: string | null };
}

export type FollowUpState = 'pending' | 'collected' | 'positive' | 'negative' | 'closed';

export interface FollowUpMember {
  id: number;
  specimenBarcode: string;
  personId: number | null;
  fullName: string | null;
  phone: string | null;
  communeName: string | null;
  action: 'resample' | 'retest';
  state: FollowUpState;
  newBarcode: string | null;
  ct: number | null;
  caseId: number | null;
  closedReason: string | null;
}

export interface FollowUpPool {
  poolId: number;
  poolBarcode: string;
  ct: number | null;
  resultAt: string;
  site: string | null;
  members: FollowUpMember[];
  resolved: boolean;
}

// ---- rapid tests ----
export type RapidOutcome = TestResult;
export interface RapidTest {
  id: number;
  personId: number | null;
  fullName: string | null;
  outcome: RapidOutcome;
  readAt: string;
  kit: string | null;
  source: 'health_worker' | 'self';
  hasPhoto: boolean;
  confirmation: string | null;
  caseId: number | null;
}

// ---- dashboard ----
export interface DashboardRow {
  key: string;
  name: string;
  samples: number;
  pools: number;
  tests: number;
  positives: number;
}

export interface Dashboard {
  from: string;
  to: string;
  totals: { samples: number; pools: number; tests: number; positives: number };
  daily: { date: string; singleSamples: number; pooledSamples: number; pools: number; tests: number; positives: number }[];
  capacity: { date: string; single: number; pooled: number; singleTarget: number; pooledTarget: number; labs: { id: number; name: string; tests: number; capacity: number | null }[] };
  byUnit: DashboardRow[];
  byStratum: DashboardRow[];
  turnaround: { medianHours: number | null; p90Hours: number | null; buckets: { label: string; count: number }[] };
  overdue: { total: number; dueHours: number; items: { barcode: string; kind: 'pool' | 'single'; site: string | null; labName: string | null; collectedAt: string; ageHours: number }[] };
}

// ---- checkpoint lookup ----
export type CheckpointStatus = 'valid_negative' | 'positive' | 'expired' | 'none';
export interface LookupAnswer {
  status: CheckpointStatus;
  validUntil: string | null;
  validityHours: number;
  person: { fullName: string; birthDate: string | null; cccd: string | null } | null;
  plate: string | null;
  result: { kind: 'pcr' | 'pcr_pool' | 'rapid'; outcome: 'positive' | 'negative'; resultAt: string; place: string | null } | null;
}
