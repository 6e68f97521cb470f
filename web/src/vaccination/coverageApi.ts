// Types and queries of coverage, sweep lists and home vaccination, as the server sends them
// (src/server/modules/vaccination/coverage.ts, sweep.ts, home.ts).
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../lib/api.ts';

export const COVERAGE_GROUPS = ['all', '5-11', '12-17', '18+', '50+', '65+'] as const;
export type CoverageGroup = (typeof COVERAGE_GROUPS)[number];
export const MEASURES = ['atLeastOne', 'fully', 'booster', 'booster2'] as const;
export type Measure = (typeof MEASURES)[number];
export const PRIORITY_GROUPS = ['frontline', 'diplomatic_customs', 'essential_services', 'teachers_officials', 'chronic_or_over_65', 'outbreak_area', 'poor_policy', 'other_named'] as const;

export interface Counts {
  population: number;
  atLeastOne: number;
  fully: number;
  booster: number;
  booster2: number;
}
export type GroupCounts = Record<CoverageGroup, Counts>;

export interface CoverageUnit {
  code: string;
  name: string;
  level: string;
  groups: GroupCounts;
}

export interface CoverageReport {
  day: string;
  unit: CoverageUnit;
  children: CoverageUnit[];
  priority: Record<string, Counts> | null;
}

export interface CoverageTrend {
  unit: { code: string; name: string };
  points: { day: string; groups: GroupCounts }[];
}

/** A share in percent (null when nobody is in the group). */
export const share = (c: Counts | undefined, m: Measure): number | null => (c && c.population ? (100 * c[m]) / c.population : null);

export const useCoverage = (unit: string | null, date: string, priority: boolean) =>
  useQuery({
    queryKey: ['vaccination', 'coverage', unit, date, priority],
    queryFn: ({ signal }) => api<CoverageReport>('/vaccination/coverage', { query: { unit, date, priority: priority ? 'true' : null }, signal }),
    placeholderData: keepPreviousData,
  });

export const useCoverageTrend = (unit: string | null, date: string) =>
  useQuery({
    queryKey: ['vaccination', 'coverage-trend', unit, date],
    queryFn: ({ signal }) => api<CoverageTrend>('/vaccination/coverage/trend', { query: { unit, date }, signal }),
    placeholderData: keepPreviousData,
  });

// ---- sweep lists ----
export type VisitOutcome = 'vaccinated' | 'refused' | 'absent' | 'moved' | 'contraindicated';

export interface SweepPerson {
  personId: number;
  fullName: string;
  birthDate: string | null;
  sex: string | null;
  phone: string | null;
  householdId: string | null;
  address: string | null;
  villageCode: string | null;
  villageName: string | null;
  comorbidity: boolean;
  bedridden: boolean;
  immunocompromised: boolean;
  status: { state: string; nextKind: string | null; dueOn: string | null; overdueAfter: string | null };
  lastVisit: { outcome: VisitOutcome; reason: string | null; day: string; visitedAt: string } | null;
  homeRequest: boolean;
  age: number | null;
  risk: number;
  highRisk: boolean;
  mark: 'new' | 'absent' | 'refused';
}

export interface SweepHousehold {
  key: string;
  householdId: string | null;
  address: string | null;
  villageCode: string | null;
  villageName: string | null;
  risk: number;
  highRisk: boolean;
  members: SweepPerson[];
}

export interface SweepList {
  unit: { code: string; name: string; level: string; communeCode: string; communeName: string };
  day: string;
  households: SweepHousehold[];
  refused: SweepPerson[];
  counts: { people: number; households: number; highRisk: number; overdue: number; absent: number; refused: number };
}

export const sweepKey = (unit: string | null) => ['vaccination', 'sweep', unit] as const;
export const useSweepList = (unit: string | null) =>
  useQuery({ queryKey: sweepKey(unit), queryFn: ({ signal }) => api<SweepList>('/vaccination/sweep', { query: { unit }, signal }), enabled: !!unit, placeholderData: keepPreviousData });

export interface VisitBody {
  personId: number;
  outcome: VisitOutcome;
  reason?: string | null;
  idempotencyKey: string;
  dose?: { lotId: number; vaccinator?: string | null } | null;
}

export const recordVisit = (b: VisitBody) => api<{ visit: { id: number; outcome: VisitOutcome; doseId: number | null }; replayed: boolean }>('/vaccination/sweep/visits', { method: 'POST', body: b });

// ---- home vaccination ----
export type HomeStatus = 'requested' | 'scheduled' | 'done' | 'cancelled';
export interface HomeRequest {
  id: number;
  personId: number;
  fullName: string;
  birthDate: string | null;
  sex: string | null;
  phone: string | null;
  address: string | null;
  villageName: string | null;
  communeName: string | null;
  bedridden: boolean;
  comorbidity: boolean;
  reason: string;
  requestedOn: string;
  status: HomeStatus;
  team: string | null;
  scheduledOn: string | null;
  doseId: number | null;
  doseGivenOn: string | null;
  cancelReason: string | null;
  taskId: number | null;
}

export const homeKey = (status: string) => ['vaccination', 'home', status] as const;
export const useHomeRequests = (status: string) =>
  useQuery({ queryKey: homeKey(status), queryFn: ({ signal }) => api<{ items: HomeRequest[] }>('/vaccination/home', { query: { status: status === 'all' ? null : status }, signal }).then((r) => r.items) });

/** Lots to vaccinate from (the supply area's list; only id, product and number are used here). */
export interface LotOption {
  id: number;
  productCode: string;
  lotNumber: string;
  expiryDate?: string | null;
}
export const useLots = (enabled: boolean) =>
  useQuery({
    queryKey: ['vaccination', 'lots', 'options'],
    queryFn: ({ signal }) => api<{ items: LotOption[] } | LotOption[]>('/vaccination/lots', { signal }).then((r) => (Array.isArray(r) ? r : r.items)),
    enabled,
    retry: false,
  });

/** A key for one tap: a retry of the same request sends it again. */
export const newKey = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`);
