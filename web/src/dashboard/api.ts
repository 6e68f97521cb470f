// Types and queries of the command dashboard and the daily report (src/server/modules/dashboard, reports).
import { useQuery } from '@tanstack/react-query';
import { api } from '../lib/api.ts';
import type { LevelRow, RulesetInfo } from '../levels/api.ts';

export interface Figure {
  day: number;
  week: number;
  prevWeek: number;
}
export interface PctFigure {
  day: number | null;
  week: number | null;
  prevWeek: number | null;
}

export interface Headline {
  communityCases: Figure;
  quarantineCases: Figure;
  severeCases: Figure;
  deaths: Figure;
  tests: Figure;
  resulted: Figure;
  positive: Figure;
  positivity: PctFigure;
  doses: Figure;
  coverage: { atLeastOneAllPct: number | null; fullyAllPct: number | null; atLeastOne18Pct: number | null; fully18Pct: number | null; boosterAllPct: number | null };
  inQuarantine: number;
  inIsolation: number;
  quarantineStarted: number;
  beds: { total: number; occupied: number | null; vacant: number | null; occupancyPct: number | null } | null;
}

/** From the capacity register: occupied = treatment − vacant beds over the units that entered both; null when nothing was entered. */
export interface Beds {
  total: number;
  occupied: number | null;
  vacant: number | null;
  occupancyPct: number | null;
  units: number;
}

/** A unit's own community cases (7 days) against its children's sum, when some were entered by hand. */
export interface CaseCheck {
  code: string;
  own: number;
  children: number;
  ownManual: boolean;
  childrenManual: boolean;
}

export interface ChildRow extends LevelRow {
  coverageFirstDose18Pct: number | null;
  coverageFullyAllPct: number | null;
  positivityPct: number | null;
  tests7d: number;
  beds: Beds | null;
  caseCheck: CaseCheck | null;
}

export interface LevelChange {
  code: string;
  name: string;
  unitLevel: string;
  level: number;
  previousLevel: number | null;
  effectiveAt: string;
  kind: 'confirm' | 'override';
  reason: string | null;
}

export interface Dashboard {
  date: string;
  unit: { code: string; name: string; level: 'province' | 'district' | 'commune' | 'village'; parentCode: string | null; population: number };
  ruleset: RulesetInfo | null;
  self: LevelRow | null;
  headline: Headline;
  curve: { days: string[]; community: number[]; quarantine: number[]; deaths: number[]; onset: number[] };
  children: ChildRow[];
  caseCheck: CaseCheck | null;
  levelChanges: LevelChange[];
}

export interface ArchivedReport {
  id: number;
  day: string;
  unitCode: string;
  unitName: string;
  trigger: 'manual' | 'schedule';
  generationMs: number;
  generatedAt: string;
  generatedBy: string | null;
  xlsxBytes: number;
  pdfBytes: number;
}

export const useDashboard = (unit: string | undefined, date: string) =>
  useQuery({
    queryKey: ['dashboard', unit ?? '', date],
    queryFn: ({ signal }) => api<Dashboard>('/dashboard', { query: { unit, date }, signal }),
    placeholderData: (prev) => prev,
  });

export const useReports = (unit: string | undefined) =>
  useQuery({ queryKey: ['daily-reports', unit ?? ''], queryFn: ({ signal }) => api<ArchivedReport[]>('/reports/daily', { query: { unit, limit: 20 }, signal }) });
