// Types and queries of lots, allocations and campaigns, as the server sends them
// (src/server/modules/vaccination/{lots,allocations,campaigns}.ts).
import { useQuery } from '@tanstack/react-query';
import { api } from '../lib/api.ts';

export const DOSE_KINDS = ['primary_1', 'primary_2', 'primary_3', 'additional', 'booster_1', 'booster_2'] as const;
export const PRIORITY_GROUPS = ['frontline', 'diplomatic_customs', 'essential_services', 'teachers_officials', 'chronic_or_over_65', 'outbreak_area', 'poor_policy', 'other_named'] as const;

export interface Product {
  code: string;
  name: string;
}

export interface Lot {
  id: number;
  productCode: string;
  productName: string;
  lotNumber: string;
  expiryDate: string | null;
  dosesReceived: number;
  receivedOn: string | null;
  source: string | null;
  allocated: number;
  available: number;
  administered: number;
  expiresInDays: number | null;
  createdAt: string;
}

export interface LotWarning {
  field: string;
  code: 'expired' | 'expiry_before_received';
}

export type AllocationState = 'completed' | 'completed_late' | 'open' | 'due_soon' | 'overdue';

export interface Allocation {
  id: number;
  lotId: number;
  productCode: string;
  productName: string;
  lotNumber: string;
  expiryDate: string | null;
  unitCode: string;
  unitName: string;
  unitLevel: string;
  unitPath: string;
  parentId: number | null;
  fromUnitName: string | null;
  doses: number;
  passedOn: number;
  deliveredOn: string;
  note: string | null;
  administered: number;
  dueOn: string | null;
  completedOn: string | null;
  state: AllocationState;
  daysLeft: number | null;
  createdAt: string;
}

export interface SupplySummary {
  unit: { code: string; name: string; level: string };
  lotId: number | null;
  from: string;
  to: string;
  allocated: number;
  administered: number;
  passedOn: number;
  series: { day: string; allocated: number; administered: number }[];
  warnings: Allocation[];
  policy: { days: number; warnDaysBefore: number } | null;
}

export interface CampaignTarget {
  minAge: number;
  maxAge?: number | null;
  doseKind: (typeof DOSE_KINDS)[number];
  priorityGroups?: (typeof PRIORITY_GROUPS)[number][];
  goalPct?: number;
}

export type CampaignState = 'completed' | 'on_track' | 'will_not_finish' | 'stalled' | 'missed' | 'not_started' | 'closed';

export interface CampaignProgress {
  target: number;
  goal: number;
  done: number;
  share: number;
  remaining: number;
  pacePerDay: number;
  paceDays: number;
  requiredPerDay: number | null;
  projectedOn: string | null;
  daysLeft: number;
  state: CampaignState;
}

export interface Campaign {
  id: number;
  name: string;
  unitCode: string;
  unitName: string;
  target: CampaignTarget;
  startsOn: string;
  deadline: string;
  status: 'active' | 'closed';
  source: string | null;
  createdAt: string;
  progressUnit: { code: string; name: string };
  progress: CampaignProgress;
}

export interface CampaignDetail extends Campaign {
  series: { day: string; done: number }[];
  pace: { days: number; policyVersion: number | null; source: string | null };
}

export const useProducts = () => useQuery({ queryKey: ['vaccSupply', 'products'], queryFn: ({ signal }) => api<Product[]>('/vaccination/supply/products', { signal }), staleTime: 300_000 });
export const useLots = () => useQuery({ queryKey: ['vaccSupply', 'lots'], queryFn: ({ signal }) => api<Lot[]>('/vaccination/lots', { signal }) });
export const useAllocations = (unit: string | null, lot: number | null) =>
  useQuery({ queryKey: ['vaccSupply', 'allocations', unit, lot], queryFn: ({ signal }) => api<Allocation[]>('/vaccination/allocations', { signal, query: { unit, lot } }) });
export const useSupplySummary = (unit: string | null, lot: number | null) =>
  useQuery({ queryKey: ['vaccSupply', 'summary', unit, lot], queryFn: ({ signal }) => api<SupplySummary>('/vaccination/allocations/summary', { signal, query: { unit, lot } }) });
export const useCampaigns = () => useQuery({ queryKey: ['vaccSupply', 'campaigns'], queryFn: ({ signal }) => api<Campaign[]>('/vaccination/campaigns', { signal }) });
export const useCampaign = (id: number | null) =>
  useQuery({ queryKey: ['vaccSupply', 'campaign', id], queryFn: ({ signal }) => api<CampaignDetail>(`/vaccination/campaigns/${id}`, { signal }), enabled: id != null });

/** The caller's jurisdiction is the whole province (a path of one code: '20/'). */
export const isProvinceWide = (unitPath: string) => unitPath.split('/').filter(Boolean).length === 1;
