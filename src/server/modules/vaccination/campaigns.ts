// Vaccination campaigns (vaccination_campaign): a target group in a unit with a deadline, its
// progress over time and the projected completion at the current pace (domain/vaccination/campaign.ts).
// A campaign is seen by everyone whose jurisdiction overlaps its unit: a commune officer sees a
// province-wide campaign, with the progress of their own commune only.
import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../../db/index.ts';
import { AppError, notFound } from '../../errors.ts';
import { audit } from '../../plugins/audit.ts';
import { getUnit, getUnitByPath } from '../units/store.ts';
import { addDays } from '../../../domain/cases/dates.ts';
import { birthDateBounds, checkCampaign, cumulativeSeries, projectCampaign, type CampaignProjection, type CampaignTarget } from '../../../domain/vaccination/campaign.ts';
import { checkDates, pacePolicy, todayInVietnam, type Caller } from './supplyCommon.ts';

export interface CampaignRow {
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
  /** The unit the progress is of: the campaign's, or the caller's own when it is narrower. */
  progressUnit: { code: string; name: string };
  progress: CampaignProjection;
}

export interface CampaignDetail extends CampaignRow {
  series: { day: string; done: number }[];
  pace: { days: number; policyVersion: number | null; source: string | null };
}

export interface CampaignInput {
  name: string;
  unitCode: string;
  target: CampaignTarget;
  startsOn: string;
  deadline: string;
  source?: string | null;
}

interface RawCampaign {
  id: number;
  name: string;
  unitCode: string;
  unitName: string;
  unitPath: string;
  target: CampaignTarget;
  startsOn: string;
  deadline: string;
  status: 'active' | 'closed';
  source: string | null;
  createdAt: string;
}

const SELECT = `SELECT c.id, c.name, c.unit_code AS "unitCode", u.name AS "unitName", c.unit_path AS "unitPath", c.target, c.starts_on AS "startsOn", c.deadline,
         c.status, c.source, c.created_at AS "createdAt"
    FROM vaccination_campaign c JOIN admin_unit u ON u.province_code = c.province_code AND u.code = c.unit_code`;

/** Campaigns whose unit overlaps the caller's jurisdiction (inside it, or containing it). */
async function visible(q: Queryable, caller: Caller, id?: number): Promise<RawCampaign[]> {
  const r = await q.query<RawCampaign>(
    `${SELECT} WHERE c.province_code = $1 AND (c.unit_path LIKE $2 || '%' OR $2 LIKE c.unit_path || '%') AND ($3::bigint IS NULL OR c.id = $3)
      ORDER BY c.status, c.deadline, c.id`,
    [caller.scope.provinceCode, caller.scope.path, id ?? null],
  );
  return r.rows;
}

/** People of the target group in a unit, and when each of them got the dose (per day, up to `to`). */
async function measure(q: Queryable, provinceCode: string, unitPath: string, target: CampaignTarget, ageOn: string, to: string) {
  const { bornOnOrBefore, bornAfter } = birthDateBounds(target.minAge, target.maxAge, ageOn);
  const groups = target.priorityGroups?.length ? target.priorityGroups : null;
  const where = `p.province_code = $1 AND p.unit_path LIKE $2 || '%' AND p.birth_date <= $3 AND ($4::date IS NULL OR p.birth_date > $4)
    AND ($5::text[] IS NULL OR EXISTS (SELECT 1 FROM vaccination_profile vp WHERE vp.province_code = p.province_code AND vp.person_id = p.id AND vp.priority_group = ANY($5)))`;
  const params = [provinceCode, unitPath, bornOnOrBefore, bornAfter, groups];
  // One pass over the people: those without the dose (by today) fall in the group of no day.
  const r = await q.query<{ day: string | null; n: number }>(
    `SELECT d.given_on AS day, count(*)::int AS n FROM person p
       LEFT JOIN vaccine_dose d ON d.province_code = p.province_code AND d.person_id = p.id AND d.dose_kind = $6 AND d.given_on <= $7
      WHERE ${where} GROUP BY 1`,
    [...params, target.doseKind, to],
  );
  return { population: r.rows.reduce((s, x) => s + x.n, 0), doses: r.rows.filter((x): x is { day: string; n: number } => x.day != null) };
}

async function progressOf(q: Queryable, caller: Caller, c: RawCampaign, unitCode?: string): Promise<CampaignDetail> {
  const { provinceCode } = caller.scope;
  const today = todayInVietnam();
  // The narrower of the campaign's unit and the caller's jurisdiction, or a unit asked for inside both.
  let unitPath = c.unitPath.length >= caller.scope.path.length ? c.unitPath : caller.scope.path;
  if (unitCode) {
    const u = await getUnit(q, caller.scope, unitCode);
    if (!u || !u.path.startsWith(c.unitPath)) throw notFound();
    unitPath = u.path;
  }
  const unit = (await getUnitByPath(q, provinceCode, unitPath))!;
  const ageOn = today < c.deadline ? today : c.deadline;
  const m = await measure(q, provinceCode, unitPath, c.target, ageOn, today);
  const from = addDays(c.startsOn, -1);
  const series = cumulativeSeries(m.doses, from, today < from ? from : today);
  const pace = await pacePolicy(q, provinceCode, today);
  const progress = projectCampaign({ series, target: m.population, goalPct: c.target.goalPct, startsOn: c.startsOn, deadline: c.deadline, today, paceDays: pace.days, status: c.status });
  const { unitPath: _u, ...rest } = c;
  return {
    ...rest,
    createdAt: new Date(c.createdAt).toISOString(),
    progressUnit: { code: unit.code, name: unit.name },
    progress,
    series,
    pace: { days: pace.days, policyVersion: pace.version, source: pace.source },
  };
}

export async function listCampaigns(q: Queryable, caller: Caller): Promise<CampaignRow[]> {
  const out: CampaignRow[] = [];
  for (const c of await visible(q, caller)) {
    const { series: _s, pace: _p, ...row } = await progressOf(q, caller, c);
    out.push(row);
  }
  return out;
}

export async function getCampaign(q: Queryable, caller: Caller, id: number, unitCode?: string): Promise<CampaignDetail> {
  const c = (await visible(q, caller, id))[0];
  if (!c) throw notFound();
  return progressOf(q, caller, c, unitCode);
}

function normalizeTarget(t: CampaignTarget): CampaignTarget {
  return {
    minAge: t.minAge,
    ...(t.maxAge != null ? { maxAge: t.maxAge } : {}),
    doseKind: t.doseKind,
    ...(t.priorityGroups?.length ? { priorityGroups: [...new Set(t.priorityGroups)] } : {}),
    ...(t.goalPct != null ? { goalPct: t.goalPct } : {}),
  };
}

export async function createCampaign(q: Queryable, req: FastifyRequest, caller: Caller, input: CampaignInput): Promise<CampaignDetail> {
  checkDates({ startsOn: input.startsOn, deadline: input.deadline });
  const issues = checkCampaign(input);
  if (issues.length) throw new AppError(400, 'validation', issues);
  const unit = await getUnit(q, caller.scope, input.unitCode);
  if (!unit) throw notFound();
  const name = input.name.normalize('NFC').trim();
  if (name.length < 2) throw new AppError(400, 'validation', [{ field: 'name', code: 'required' }]);
  const r = await q.query<{ id: number }>(
    `INSERT INTO vaccination_campaign (province_code, name, unit_code, unit_path, target, starts_on, deadline, source, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [caller.scope.provinceCode, name, unit.code, unit.path, JSON.stringify(normalizeTarget(input.target)), input.startsOn, input.deadline, input.source?.normalize('NFC').trim() || null, caller.id],
  );
  const id = Number(r.rows[0].id);
  await audit(q, req, { action: 'create', entity: 'vaccination_campaign', entityId: id, details: { unitCode: unit.code, target: input.target, deadline: input.deadline } });
  return getCampaign(q, caller, id);
}

export async function updateCampaign(
  q: Queryable,
  req: FastifyRequest,
  caller: Caller,
  id: number,
  patch: { name?: string; deadline?: string; status?: 'active' | 'closed'; source?: string | null },
): Promise<CampaignDetail> {
  checkDates({ deadline: patch.deadline });
  // Changed only by someone whose jurisdiction holds the whole campaign.
  const c = (
    await q.query<{ startsOn: string; deadline: string; target: CampaignTarget }>(
      `SELECT starts_on AS "startsOn", deadline, target FROM vaccination_campaign WHERE province_code = $1 AND id = $2 AND unit_path LIKE $3 || '%' FOR UPDATE`,
      [caller.scope.provinceCode, id, caller.scope.path],
    )
  ).rows[0];
  if (!c) throw notFound();
  const deadline = patch.deadline ?? c.deadline;
  const issues = checkCampaign({ target: c.target, startsOn: c.startsOn, deadline });
  if (issues.length) throw new AppError(400, 'validation', issues);
  const name = patch.name !== undefined ? patch.name.normalize('NFC').trim() : null;
  if (name !== null && name.length < 2) throw new AppError(400, 'validation', [{ field: 'name', code: 'required' }]);
  await q.query(
    `UPDATE vaccination_campaign SET name = COALESCE($3, name), deadline = $4, status = COALESCE($5, status), source = CASE WHEN $6::boolean THEN $7 ELSE source END
      WHERE province_code = $1 AND id = $2`,
    [caller.scope.provinceCode, id, name, deadline, patch.status ?? null, patch.source !== undefined, patch.source?.normalize('NFC').trim() || null],
  );
  await audit(q, req, { action: 'update', entity: 'vaccination_campaign', entityId: id, details: { changed: Object.keys(patch) } });
  return getCampaign(q, caller, id);
}
