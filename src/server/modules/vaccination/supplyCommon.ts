// Shared pieces of the supply part (lots, allocations, campaigns): the caller, errors, dates in
// Viet Nam, the products the policy knows, the supply policies in force.
import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../../db/index.ts';
import { AppError } from '../../errors.ts';
import { listVersions, policyOn } from '../policies/service.ts';
import { provinceRootPath } from '../imports/store.ts';
import { todayInVietnam } from '../imports/service.ts';
import type { Scope } from '../units/store.ts';
import type { ProductPolicy } from '../../../domain/vaccination/types.ts';
import type { AllocationCompletionPolicy, CampaignPacePolicy } from '../../../domain/vaccination/supplyPolicies.ts';
import { versionOn } from '../../../domain/policies/registry.ts';
import { parseCalendarDate } from '../../../domain/people/normalize.ts';

export { todayInVietnam };

export interface Caller {
  id: number;
  scope: Scope;
  /** The caller's jurisdiction is the whole province. */
  provinceWide: boolean;
}

export async function callerOf(q: Queryable, req: FastifyRequest): Promise<Caller> {
  const u = req.user!;
  const root = (await provinceRootPath(q, u.provinceCode)) ?? `${u.provinceCode}/`;
  return { id: u.id, scope: { provinceCode: u.provinceCode, path: u.unitPath }, provinceWide: u.unitPath === root };
}

export const fieldError = (status: 400 | 404 | 409, field: string, code: string) =>
  new AppError(status, status === 400 ? 'validation' : status === 404 ? 'not_found' : 'conflict', [{ field, code }]);

/** Every product any version of `vaccination.products` up to `on` names, with its latest name. */
export async function knownProducts(q: Queryable, provinceCode: string, on: string): Promise<Map<string, string>> {
  const versions = (await listVersions(q, provinceCode, 'vaccination.products')).filter((v) => v.effectiveFrom <= on).sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
  const out = new Map<string, string>();
  for (const v of versions) for (const p of ((v.value as { products?: ProductPolicy[] })?.products ?? [])) out.set(p.code, p.name);
  return out;
}

/** The completion rule in force on each day asked (one read of the versions for all of them). */
export async function completionRule(q: Queryable, provinceCode: string): Promise<(day: string) => AllocationCompletionPolicy | null> {
  const versions = await listVersions(q, provinceCode, 'vaccination.allocation_completion_days');
  return (day) => (versionOn(versions, day)?.value as AllocationCompletionPolicy | undefined) ?? null;
}

export async function pacePolicy(q: Queryable, provinceCode: string, on: string): Promise<{ days: number; version: number | null; source: string | null }> {
  const p = await policyOn<CampaignPacePolicy>(q, provinceCode, 'vaccination.campaign_pace_days', on);
  return p ? { days: p.value.days, version: p.version, source: p.source } : { days: 7, version: null, source: null };
}

/** 400 invalid_date for a date field that matches YYYY-MM-DD but is no calendar day (2021-02-30). */
export function checkDates(values: Record<string, string | null | undefined>) {
  const bad = Object.entries(values).filter(([, v]) => v != null && parseCalendarDate(v) !== v);
  if (bad.length) throw new AppError(400, 'validation', bad.map(([field]) => ({ field, code: 'invalid_date' })));
}
