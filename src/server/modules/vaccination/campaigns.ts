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
import { checkCampaign, cumulativeSeries, projectCampaign, type CampaignProjection, type CampaignTarget } from '../../../domain/vaccination/campaign.ts';
import { checkDates, pacePolicy, todayInVietnam, type Caller } from './supplyCommon.ts';
import { birthdaySql } from './coverageFacts.ts';

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

/** A campaign's target as one group and measure of the coverage facts, when it is one (no priority groups). */
const FACT_GROUPS: { group: string; minAge: number; maxAge: number | null }[] = [
  { group: '18+', minAge: 18, maxAge: null },
  { group: '50+', minAge: 50, maxAge: null },
  { group: '65+', minAge: 65, maxAge: null },
  { group: '12-17', minAge: 12, maxAge: 17 },
  { group: '5-11', minAge: 5, maxAge: 11 },
];
// A first dose of any kind is primary 1, and a second booster follows a first (the registry's checks): the facts' measures.
const FACT_MEASURES: Partial<Record<CampaignTarget['doseKind'], 'at_least_one' | 'booster' | 'booster_2'>> = { primary_1: 'at_least_one', booster_1: 'booster', booster_2: 'booster_2' };

export function factsFor(target: CampaignTarget): { group: string; measure: 'at_least_one' | 'booster' | 'booster_2' } | null {
  if (target.priorityGroups?.length) return null;
  const g = FACT_GROUPS.find((x) => x.minAge === target.minAge && x.maxAge === (target.maxAge ?? null));
  const measure = FACT_MEASURES[target.doseKind];
  return g && measure ? { group: g.group, measure } : null;
}

export interface CampaignMeasure {
  /** People of the target group on `ageOn`. */
  population: number;
  /** Changes of the people done, per day: what was done by `from` on `from`, then +/- on later days (doses, birthdays). */
  doses: { day: string; n: number }[];
  /** Where the figures came from. */
  source: 'facts' | 'registry';
}

/**
 * The target group in a unit: its size on `ageOn` and, for each day from `from` to `to`, the change
 * in how many of the group have the dose. Someone counts on a day when they are of the group's ages
 * that day and had the dose by then — the definition of the coverage facts. A target the facts hold
 * (an age group of the coverage reports and a first dose, first or second booster, without priority
 * groups) in a province, district or commune is read from them: a few rows per commune and day
 * instead of every person. Anything else (priority groups, other ages or doses, a village) is
 * counted from the registry with the same definition.
 */
export async function measureCampaign(
  q: Queryable,
  provinceCode: string,
  unitPath: string,
  target: CampaignTarget,
  ageOn: string,
  from: string,
  to: string,
  opts: { registryOnly?: boolean } = {},
): Promise<CampaignMeasure> {
  const facts = opts.registryOnly ? null : factsFor(target);
  if (facts) {
    const r = await fromFacts(q, provinceCode, unitPath, facts.group, facts.measure, ageOn, from, to);
    if (r) return r;
  }
  return fromRegistry(q, provinceCode, unitPath, target, ageOn, from, to);
}

async function fromFacts(q: Queryable, provinceCode: string, unitPath: string, group: string, measure: string, ageOn: string, from: string, to: string): Promise<CampaignMeasure | null> {
  // The communes of the unit (a village is not in the facts: null, counted instead).
  const r = await q.query<{ day: string | null; n: number; communes: number; known: number }>(
    `WITH c AS MATERIALIZED (
       SELECT code FROM admin_unit WHERE province_code = $1 AND level = 'commune' AND path LIKE $2 || '%'
     ),
     first AS (
       SELECT c.code, f.${measure} AS v, f.day FROM c CROSS JOIN LATERAL (
         SELECT ${measure}, day FROM vaccination_coverage_daily f WHERE f.province_code = $1 AND f.commune_code = c.code AND f.age_group = $3 AND f.day <= $5::date ORDER BY f.day DESC LIMIT 1
       ) f
     ),
     pts AS (
       SELECT code, $5::date AS day, v FROM first
       UNION ALL
       SELECT f.commune_code, f.day, f.${measure} FROM vaccination_coverage_daily f
        WHERE f.province_code = $1 AND f.commune_code IN (SELECT code FROM c) AND f.age_group = $3 AND f.day > $5::date AND f.day <= $6::date
     ),
     deltas AS (SELECT day, v - lag(v, 1, 0) OVER (PARTITION BY code ORDER BY day) AS dv FROM pts)
     SELECT day::text AS day, sum(dv)::int AS n, NULL::int AS communes, NULL::int AS known FROM deltas GROUP BY day
     UNION ALL
     SELECT NULL, coalesce(sum(p.population), 0)::int, (SELECT count(*) FROM c)::int, (SELECT count(*) FROM first)::int
       FROM c CROSS JOIN LATERAL (
         SELECT population FROM vaccination_coverage_daily f WHERE f.province_code = $1 AND f.commune_code = c.code AND f.age_group = $3 AND f.day <= $4::date ORDER BY f.day DESC LIMIT 1
       ) p`,
    [provinceCode, unitPath, group, ageOn, from, to],
  );
  const total = r.rows.find((x) => x.day == null)!;
  // No commune (a village), or a commune without facts yet (a new database): counted instead.
  if (!total.communes || total.known !== total.communes) return null;
  return { population: total.n, doses: r.rows.filter((x): x is { day: string; n: number; communes: number; known: number } => x.day != null).map((x) => ({ day: x.day, n: x.n })), source: 'facts' };
}

async function fromRegistry(q: Queryable, provinceCode: string, unitPath: string, target: CampaignTarget, ageOn: string, from: string, to: string): Promise<CampaignMeasure> {
  const groups = target.priorityGroups?.length ? target.priorityGroups : null;
  const en = birthdaySql('p.birth_date', String(target.minAge));
  const lv = target.maxAge == null ? `'infinity'::date` : birthdaySql('p.birth_date', String(target.maxAge + 1));
  // Per person of the unit: the day they enter the ages, the day they leave them, the day of the dose.
  const r = await q.query<{ day: string | null; n: number }>(
    `WITH pp AS MATERIALIZED (
       SELECT ${en} AS en, ${lv} AS lv, d.given_on AS g FROM person p
         LEFT JOIN vaccine_dose d ON d.province_code = p.province_code AND d.person_id = p.id AND d.dose_kind = $4 AND d.given_on <= $6::date
        WHERE p.province_code = $1 AND p.unit_path LIKE $2 || '%' AND p.birth_date IS NOT NULL
          AND ($3::text[] IS NULL OR EXISTS (SELECT 1 FROM vaccination_profile vp WHERE vp.province_code = p.province_code AND vp.person_id = p.id AND vp.priority_group = ANY($3)))
     ),
     done AS (SELECT greatest(g, en) AS s, lv FROM pp WHERE g IS NOT NULL AND greatest(g, en) < lv)
     SELECT NULL AS day, count(*)::int AS n FROM pp WHERE en <= $5::date AND lv > $5::date
     UNION ALL
     SELECT day::text, sum(n)::int FROM (
       SELECT s AS day, 1 AS n FROM done WHERE s <= $6::date
       UNION ALL SELECT lv, -1 FROM done WHERE lv <= $6::date
     ) e GROUP BY day`,
    [provinceCode, unitPath, groups, target.doseKind, ageOn, to],
  );
  const population = r.rows.find((x) => x.day == null)?.n ?? 0;
  const doses = r.rows.filter((x): x is { day: string; n: number } => x.day != null).map((x) => ({ day: x.day < from ? from : x.day, n: x.n }));
  return { population, doses, source: 'registry' };
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
  const from = addDays(c.startsOn, -1);
  const m = await measureCampaign(q, provinceCode, unitPath, c.target, ageOn, from < today ? from : today, today);
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
