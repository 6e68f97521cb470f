// Types and queries of the epidemic-levels area, as the server sends them (src/server/modules/levels).
import { useQuery } from '@tanstack/react-query';
import { api } from '../lib/api.ts';

export type LevelNumber = 1 | 2 | 3 | 4;
export type Source = 'registry' | 'manual' | 'register' | 'parent' | 'missing';

/** The colours of Resolution 128: green, yellow, orange, red. */
export const LEVEL_COLORS: Record<LevelNumber, string> = { 1: '#2f9e44', 2: '#fcc419', 3: '#f76707', 4: '#e03131' };
export const LEVEL_TEXT_COLORS: Record<LevelNumber, string> = { 1: '#fff', 2: '#212529', 3: '#fff', 4: '#fff' };

export interface Official {
  level: LevelNumber;
  effectiveAt: string;
  announcedAt: string;
  kind: 'confirm' | 'override';
  decisionId: number;
}

export interface LevelRow {
  code: string;
  name: string;
  unitLevel: 'province' | 'district' | 'commune' | 'village';
  parentCode: string | null;
  population: number;
  proposed: LevelNumber | null;
  official: Official | null;
  pending: Official | null;
  communityCases: number;
  casesPer100k: number | null;
  changed: boolean;
  manual: boolean;
}

export interface RulesetInfo {
  key: string;
  version: number;
  effectiveFrom: string;
  kind: 'qd4800' | 'qd218';
  name: { vi: string; en: string };
}

export interface LevelsList {
  date: string;
  ruleset: RulesetInfo;
  unit: LevelRow;
  children: LevelRow[];
}

export interface Criterion {
  id: string;
  value: number | null;
  unit: 'per100k' | 'pct' | 'count' | 'per10k' | 'bool';
  band: number | string;
  thresholds?: unknown;
  missing?: boolean;
}

export interface Explanation {
  level: LevelNumber | null;
  reason?: 'no_population';
  kind: 'qd4800' | 'qd218';
  ruleset: { key: string; version: number; effectiveFrom: string; source?: string; name: { vi: string; en: string } };
  windowDays: number;
  inputs: {
    unitLevel: string;
    population: number;
    communityCases: number;
    quarantineCases: number;
    oxygenCases: number;
    deaths: number;
    coverage: Record<'adults18AtLeastOnePct' | 'over50FullyPct' | 'over65FullyPct' | 'populationFullyPct', number | null>;
    capacity: Record<'oxygenReady' | 'treatmentPlan', boolean | null> & Record<'careTeams' | 'mobileStations' | 'treatmentBeds' | 'icuBeds' | 'vacantBeds' | 'bedsPopulation', number | null>;
    sources: Record<string, Source>;
  };
  criteria: Criterion[];
  matrix: { rows: string[]; columns: string[]; cells: number[][]; row: number; column: number; value: LevelNumber } | null;
  base: LevelNumber | null;
  adjustments: { code: string; from: LevelNumber; to: LevelNumber }[];
  missing: string[];
}

export interface Measure {
  id: string;
  vi: string;
  en: string;
}

export interface HistoryItem {
  id: number;
  level: LevelNumber;
  proposedLevel: LevelNumber | null;
  previousLevel: LevelNumber | null;
  kind: 'confirm' | 'override';
  reason: string | null;
  assessedDay: string;
  announcedAt: string;
  effectiveAt: string;
  rulesetKey: string;
  rulesetVersion: number;
  decidedBy: string | null;
}

export interface UnitLevelDetail {
  date: string;
  unit: { code: string; name: string; level: string; parentCode: string | null; population: number };
  proposed: LevelNumber | null;
  official: Official | null;
  pending: Official | null;
  explanation: Explanation;
  measures: { version: number; levels: Record<'1' | '2' | '3' | '4', Measure[]> } | null;
  raiseNoticeHours: number;
  history: HistoryItem[];
}

export interface DecisionResult {
  id: number;
  level: LevelNumber;
  raise: boolean;
  effectiveAt: string;
  noticeHours: number;
}

export const CAPACITY_KEYS = ['treatmentBeds', 'vacantBeds', 'icuBeds', 'careTeams', 'mobileStations'] as const;
export const CAPACITY_FLAGS = ['oxygenReady', 'treatmentPlan'] as const;
export type CapacityEntry = { day: string; note: string | null; enteredAt?: string } & Partial<Record<(typeof CAPACITY_KEYS)[number], number | null>> &
  Partial<Record<(typeof CAPACITY_FLAGS)[number], boolean | null>>;

export const MANUAL_KEYS = ['communityCases', 'quarantineCases', 'oxygenCases', 'deaths', 'coverageFirstDose18Pct', 'coverageFully50Pct', 'coverageFully65Pct', 'coverageFullyAllPct'] as const;
export type ManualEntry = { day: string; note: string | null; via?: 'form' | 'import'; enteredAt?: string } & Partial<Record<(typeof MANUAL_KEYS)[number], number | null>>;

export const useLevels = (unit: string | undefined, date: string) =>
  useQuery({ queryKey: ['levels', unit ?? '', date], queryFn: ({ signal }) => api<LevelsList>('/levels', { query: { unit, date }, signal }), staleTime: 30_000 });

export const useUnitLevel = (code: string | null, date: string) =>
  useQuery({
    queryKey: ['levels-unit', code, date],
    queryFn: ({ signal }) => api<UnitLevelDetail>(`/levels/units/${encodeURIComponent(code!)}`, { query: { date }, signal }),
    enabled: !!code,
    staleTime: 30_000,
  });

export const useCapacity = (code: string | null, enabled: boolean) =>
  useQuery({ queryKey: ['levels-capacity', code], queryFn: ({ signal }) => api<CapacityEntry[]>(`/levels/capacity/${encodeURIComponent(code!)}`, { signal }), enabled: enabled && !!code });

export const useManual = (code: string | null, enabled: boolean) =>
  useQuery({ queryKey: ['levels-manual', code], queryFn: ({ signal }) => api<ManualEntry[]>(`/levels/manual/${encodeURIComponent(code!)}`, { signal }), enabled: enabled && !!code });
