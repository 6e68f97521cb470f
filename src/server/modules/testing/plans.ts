// Risk-based sampling plans: strata with risk weights, sizes proposed by the freedom-from-disease
// formulas under a budget, a reproducible draw from the registry, and the list of people per
// sampling site (also as an Excel workbook).
import type { FastifyRequest } from 'fastify';
import ExcelJS from 'exceljs';
import type { Queryable } from '../../db/index.ts';
import { AppError, badRequest, notFound } from '../../errors.ts';
import { audit } from '../../plugins/audit.ts';
import type { Scope } from '../units/store.ts';
import { getZone } from '../cases/zones.ts';
import { allocate } from '../../../domain/testing/allocation.ts';
import { achievedConfidence, validateDesign, type Design } from '../../../domain/testing/sampleSize.ts';
import { drawStratum, stratumSeed, systematicInterval } from '../../../domain/testing/draw.ts';
import type { SamplingDesignDefaults } from '../../../domain/testing/policies.ts';
import { fieldError, policy, todayInVietnam, unitIn, type Actor } from './common.ts';

export const STRATUM_KINDS = ['residents', 'zone_residents', 'listed', 'on_site'] as const;
export type StratumKind = (typeof STRATUM_KINDS)[number];

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

export interface PlanInput {
  name: string;
  planDate: string;
  unitCode: string;
  budget: number;
  designPrevalence?: number;
  confidence?: number;
  sensitivity?: number;
  seed?: number;
  note?: string | null;
  strata: StratumInput[];
}

export interface PlanPatch {
  version: number;
  name?: string;
  budget?: number;
  designPrevalence?: number;
  confidence?: number;
  sensitivity?: number;
  seed?: number;
  note?: string | null;
  strata?: { id: number; riskWeight?: number; chosenSize?: number | null }[];
}

/** A stratum's population as stored: the definition resolved against the registry when the plan was made. */
interface StoredPopulation {
  unitCode?: string;
  unitPath?: string;
  ageMin?: number | null;
  ageMax?: number | null;
  zoneId?: number;
  zoneName?: string;
  unitCodes?: string[];
  personIds?: number[];
  estimatedSize?: number | null;
  description?: string | null;
}

const isProvinceRoot = (path: string) => path.split('/').filter(Boolean).length === 1;
/** The plan's own unit as a filter; none for a plan of the whole province. */
const planClause = (planPath: string) => (isProvinceRoot(planPath) ? `$2::text IS NOT NULL` : `p.unit_path LIKE $2 || '%'`);

interface Filter {
  sql: string;
  params: unknown[];
  order: string;
}

/** The registry rows of a stratum (alias p), parameters from $3 on ($1 province, $2 plan path). */
function populationFilter(kind: StratumKind, pop: StoredPopulation, planDate: string): Filter | null {
  switch (kind) {
    case 'residents': {
      const params: unknown[] = [pop.unitPath, planDate];
      // The whole province needs no unit filter: ranked by name on the (name_search, id) index alone.
      const whole = isProvinceRoot(pop.unitPath!);
      let sql = whole ? `$3::text IS NOT NULL AND $4::date IS NOT NULL` : `p.unit_path LIKE $3 || '%' AND $4::date IS NOT NULL`;
      if (pop.ageMin != null) {
        params.push(pop.ageMin);
        sql += ` AND p.birth_date <= ($4::date - make_interval(years => $${params.length + 2}::int))`;
      }
      if (pop.ageMax != null) {
        params.push(pop.ageMax + 1);
        sql += ` AND p.birth_date > ($4::date - make_interval(years => $${params.length + 2}::int))`;
      }
      return { sql, params, order: whole ? 'p.name_search, p.id' : 'p.unit_path, p.name_search, p.id' };
    }
    case 'zone_residents':
      return { sql: `(p.commune_code = ANY($3::text[]) OR p.village_code = ANY($3::text[]))`, params: [pop.unitCodes ?? []], order: 'p.unit_path, p.name_search, p.id' };
    case 'listed':
      return { sql: `p.id = ANY($3::bigint[])`, params: [pop.personIds ?? []], order: 'p.id' };
    case 'on_site':
      return null;
  }
}

async function populationSize(q: Queryable, scope: Scope, planPath: string, kind: StratumKind, pop: StoredPopulation, planDate: string): Promise<number | null> {
  const f = populationFilter(kind, pop, planDate);
  if (!f) return pop.estimatedSize ?? null;
  const r = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM person p WHERE p.province_code = $1 AND ${planClause(planPath)} AND ${f.sql}`,
    [scope.provinceCode, planPath, ...f.params],
  );
  return r.rows[0].n;
}

/** Checks a stratum's definition against the registry and the caller's jurisdiction. */
async function resolvePopulation(q: Queryable, scope: Scope, planPath: string, s: StratumInput, at: string): Promise<StoredPopulation> {
  const p = s.population;
  const err = (field: string, code: string) => badRequest([{ field: `${at}.population.${field}`, code }]);
  switch (s.kind) {
    case 'residents': {
      if (!p.unitCode) throw err('unitCode', 'required');
      const u = await unitIn(q, scope, p.unitCode).catch(() => null);
      if (!u || !u.path.startsWith(planPath)) throw err('unitCode', 'outside_plan');
      if (p.ageMin != null && p.ageMax != null && p.ageMin > p.ageMax) throw err('ageMax', 'before_min');
      return { unitCode: u.code, unitPath: u.path, ageMin: p.ageMin ?? null, ageMax: p.ageMax ?? null };
    }
    case 'zone_residents': {
      if (p.zoneId == null) throw err('zoneId', 'required');
      const z = await getZone(q, scope, p.zoneId);
      if (!z) throw err('zoneId', 'not_found');
      if (z.status !== 'active') throw err('zoneId', 'not_active');
      return { zoneId: z.id, zoneName: z.name, unitCodes: z.unitCodes };
    }
    case 'listed': {
      const ids = [...new Set(p.personIds ?? [])];
      if (!ids.length) throw err('personIds', 'required');
      const found = await q.query<{ id: number }>(`SELECT id FROM person WHERE province_code = $1 AND id = ANY($2::bigint[]) AND unit_path LIKE $3 || '%'`, [scope.provinceCode, ids, planPath]);
      const have = new Set(found.rows.map((r) => Number(r.id)));
      const missing = (p.personIds ?? []).flatMap((id, i) => (have.has(id) ? [] : [{ field: `${at}.population.personIds.${i}`, code: 'not_found' }]));
      if (missing.length) throw badRequest(missing.slice(0, 50));
      return { personIds: ids.sort((a, b) => a - b), description: p.description ?? null };
    }
    case 'on_site':
      return { estimatedSize: p.estimatedSize ?? null, description: p.description ?? null };
  }
}

async function siteFor(q: Queryable, scope: Scope, planId: number, planPath: string, site: { name: string; unitCode: string; address?: string | null }, field: string): Promise<number> {
  const u = await unitIn(q, scope, site.unitCode).catch(() => null);
  if (!u || !u.path.startsWith(planPath)) throw badRequest([{ field, code: 'outside_plan' }]);
  const r = await q.query<{ id: number }>(
    `INSERT INTO sampling_site (province_code, plan_id, name, unit_code, unit_path, address) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (province_code, plan_id, unit_code, name) DO UPDATE SET address = coalesce(EXCLUDED.address, sampling_site.address) RETURNING id`,
    [scope.provinceCode, planId, site.name.normalize('NFC').trim(), u.code, u.path, site.address ?? null],
  );
  return Number(r.rows[0].id);
}

interface PlanRow {
  id: number;
  name: string;
  planDate: string;
  unitCode: string;
  unitName: string | null;
  unitPath: string;
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
}

const PLAN_COLS = `sp.id, sp.name, sp.plan_date AS "planDate", sp.unit_code AS "unitCode", u.name AS "unitName", sp.unit_path AS "unitPath", sp.budget,
  sp.design_prevalence AS "designPrevalence", sp.confidence, sp.sensitivity, sp.seed, sp.status, sp.design_policy_version AS "designPolicyVersion",
  sp.note, sp.version, sp.drawn_at AS "drawnAt", sp.created_at AS "createdAt"`;
const PLAN_FROM = `sampling_plan sp LEFT JOIN admin_unit u ON u.province_code = sp.province_code AND u.code = sp.unit_code`;

/**
 * A plan is read by everyone whose jurisdiction overlaps its unit (the district's plan by its
 * communes, whose lists then show their own residents only); it is changed only from its unit or above.
 */
async function planRow(q: Queryable, scope: Scope, id: number, forUpdate = false): Promise<PlanRow | null> {
  const within = forUpdate ? `sp.unit_path LIKE $3 || '%'` : `(sp.unit_path LIKE $3 || '%' OR $3 LIKE sp.unit_path || '%')`;
  const r = await q.query<PlanRow>(`SELECT ${PLAN_COLS} FROM ${PLAN_FROM} WHERE sp.province_code = $1 AND sp.id = $2 AND ${within} ${forUpdate ? 'FOR UPDATE OF sp' : ''}`, [
    scope.provinceCode,
    id,
    scope.path,
  ]);
  return r.rows[0] ?? null;
}

interface StratumRow {
  id: number;
  position: number;
  name: string;
  kind: StratumKind;
  riskWeight: number;
  population: StoredPopulation;
  populationSize: number | null;
  requiredSize: number;
  proposedSize: number;
  chosenSize: number | null;
  siteId: number | null;
  drawnCount: number;
  everyKth: number | null;
  startAt: number | null;
}

async function strataOf(q: Queryable, provinceCode: string, planId: number): Promise<StratumRow[]> {
  const r = await q.query<StratumRow>(
    `SELECT id, position, name, kind, risk_weight AS "riskWeight", population, population_size AS "populationSize", required_size AS "requiredSize",
            proposed_size AS "proposedSize", chosen_size AS "chosenSize", site_id AS "siteId", drawn_count AS "drawnCount", every_kth AS "everyKth", start_at AS "startAt"
       FROM sampling_stratum WHERE province_code = $1 AND plan_id = $2 ORDER BY position`,
    [provinceCode, planId],
  );
  return r.rows.map((s) => ({ ...s, id: Number(s.id), siteId: s.siteId == null ? null : Number(s.siteId) }));
}

const designOf = (p: { designPrevalence: number; confidence: number; sensitivity: number }): Design => ({ prevalence: p.designPrevalence, confidence: p.confidence, sensitivity: p.sensitivity });
const sizeOf = (s: StratumRow) => Math.min(s.chosenSize ?? s.proposedSize, s.populationSize ?? Number.MAX_SAFE_INTEGER);

/** Recomputes population sizes and the proposal of every stratum (draft plans). */
async function propose(q: Queryable, scope: Scope, plan: PlanRow) {
  const strata = await strataOf(q, scope.provinceCode, plan.id);
  const sizes: (number | null)[] = [];
  for (const s of strata) sizes.push(await populationSize(q, scope, plan.unitPath, s.kind, s.population, plan.planDate));
  const a = allocate(designOf(plan), strata.map((s, i) => ({ riskWeight: s.riskWeight, population: sizes[i] })), plan.budget);
  for (const [i, s] of strata.entries()) {
    await q.query(
      `UPDATE sampling_stratum SET population_size = $3, required_size = $4, proposed_size = $5, achieved_confidence = $6 WHERE province_code = $1 AND id = $2`,
      [scope.provinceCode, s.id, sizes[i], a.strata[i].required, a.strata[i].proposed, a.strata[i].confidence],
    );
  }
}

function checkDesign(d: { designPrevalence: number; confidence: number; sensitivity: number }) {
  const errors = validateDesign(designOf(d)).map((e) => ({ field: e.field === 'prevalence' ? 'designPrevalence' : e.field, code: e.code }));
  if (errors.length) throw badRequest(errors);
}

export async function createPlan(q: Queryable, req: FastifyRequest, scope: Scope, actor: Actor, input: PlanInput): Promise<PlanDetail> {
  const unit = await unitIn(q, scope, input.unitCode);
  const defaults = await policy<SamplingDesignDefaults>(q, scope.provinceCode, 'testing.sampling_design', input.planDate);
  const design = {
    designPrevalence: input.designPrevalence ?? defaults.value.prevalence,
    confidence: input.confidence ?? defaults.value.confidence,
    sensitivity: input.sensitivity ?? defaults.value.sensitivity,
  };
  checkDesign(design);
  if (input.planDate < todayInVietnam(new Date(Date.now() - 30 * 86_400_000))) throw badRequest([{ field: 'planDate', code: 'too_old' }]);
  const seed = input.seed ?? Math.floor(Math.random() * 4294967296);
  const resolved: StoredPopulation[] = [];
  for (const [i, s] of input.strata.entries()) resolved.push(await resolvePopulation(q, scope, unit.path, s, `strata.${i}`));
  const r = await q.query<{ id: number }>(
    `INSERT INTO sampling_plan (province_code, name, plan_date, unit_code, unit_path, budget, design_prevalence, confidence, sensitivity, seed, design_policy_version, note, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
    [scope.provinceCode, input.name.normalize('NFC').trim(), input.planDate, unit.code, unit.path, input.budget, design.designPrevalence, design.confidence, design.sensitivity, seed, defaults.version, input.note ?? null, actor.id],
  );
  const planId = Number(r.rows[0].id);
  for (const [i, s] of input.strata.entries()) {
    const siteId = s.site ? await siteFor(q, scope, planId, unit.path, s.site, `strata.${i}.site.unitCode`) : null;
    await q.query(
      `INSERT INTO sampling_stratum (province_code, plan_id, position, name, kind, risk_weight, population, chosen_size, site_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [scope.provinceCode, planId, i, s.name.normalize('NFC').trim(), s.kind, s.riskWeight, JSON.stringify(resolved[i]), s.chosenSize ?? null, siteId],
    );
  }
  const plan = (await planRow(q, scope, planId))!;
  await propose(q, scope, plan);
  await audit(q, req, { action: 'create', entity: 'sampling_plan', entityId: planId, details: { strata: input.strata.length, budget: input.budget, seed } });
  return (await getPlan(q, scope, planId))!;
}

export async function updatePlan(q: Queryable, req: FastifyRequest, scope: Scope, id: number, patch: PlanPatch): Promise<PlanDetail> {
  const plan = await planRow(q, scope, id, true);
  if (!plan) throw notFound();
  if (plan.version !== patch.version) throw new AppError(409, 'stale', [{ field: 'version', code: 'stale', message: String(plan.version) }]);
  if (plan.status !== 'draft') throw new AppError(409, 'invalid_state', [{ field: 'status', code: plan.status }]);
  const merged = { designPrevalence: patch.designPrevalence ?? plan.designPrevalence, confidence: patch.confidence ?? plan.confidence, sensitivity: patch.sensitivity ?? plan.sensitivity };
  checkDesign(merged);
  await q.query(
    `UPDATE sampling_plan SET name = coalesce($3, name), budget = coalesce($4, budget), design_prevalence = $5, confidence = $6, sensitivity = $7,
            seed = coalesce($8, seed), note = CASE WHEN $9::boolean THEN $10 ELSE note END, version = version + 1, updated_at = now()
      WHERE province_code = $1 AND id = $2`,
    [scope.provinceCode, id, patch.name?.normalize('NFC').trim() ?? null, patch.budget ?? null, merged.designPrevalence, merged.confidence, merged.sensitivity, patch.seed ?? null, 'note' in patch, patch.note ?? null],
  );
  if (patch.strata?.length) {
    const known = new Set((await strataOf(q, scope.provinceCode, id)).map((s) => s.id));
    const missing = patch.strata.flatMap((s, i) => (known.has(s.id) ? [] : [{ field: `strata.${i}.id`, code: 'not_found' }]));
    if (missing.length) throw badRequest(missing);
    for (const s of patch.strata) {
      await q.query(
        `UPDATE sampling_stratum SET risk_weight = coalesce($4, risk_weight), chosen_size = CASE WHEN $5::boolean THEN $6 ELSE chosen_size END
          WHERE province_code = $1 AND plan_id = $2 AND id = $3`,
        [scope.provinceCode, id, s.id, s.riskWeight ?? null, 'chosenSize' in s, s.chosenSize ?? null],
      );
    }
  }
  await propose(q, scope, (await planRow(q, scope, id))!);
  await audit(q, req, { action: 'update', entity: 'sampling_plan', entityId: id, details: { fields: Object.keys(patch).filter((k) => k !== 'version') } });
  return (await getPlan(q, scope, id))!;
}

export interface PlanDetail extends Omit<PlanRow, 'unitPath'> {
  totals: { required: number; proposed: number; chosen: number; drawn: number; collected: number; resulted: number; positive: number; surplus: number; meetsDesign: boolean };
  strata: (Omit<StratumRow, 'population'> & {
    population: StoredPopulation & { personCount?: number };
    size: number;
    /** Confidence of detection the size to be drawn gives at the design prevalence. */
    confidenceAtSize: number;
    site: string | null;
    collected: number;
    resulted: number;
    positive: number;
  })[];
  sites: { id: number; name: string; unitCode: string; unitName: string | null; address: string | null; people: number; collected: number }[];
}

export async function getPlan(q: Queryable, scope: Scope, id: number): Promise<PlanDetail | null> {
  const plan = await planRow(q, scope, id);
  if (!plan) return null;
  const strata = await strataOf(q, scope.provinceCode, id);
  const [counts, sites] = await Promise.all([
    q.query<{ stratumId: number; collected: number; resulted: number; positive: number }>(
      `SELECT stratum_id AS "stratumId", count(*)::int AS collected, count(*) FILTER (WHERE outcome IS NOT NULL)::int AS resulted,
              count(*) FILTER (WHERE outcome = 'positive')::int AS positive
         FROM specimen WHERE province_code = $1 AND plan_id = $2 AND status <> 'rejected' GROUP BY stratum_id`,
      [scope.provinceCode, id],
    ),
    q.query<{ id: number; name: string; unitCode: string; unitName: string | null; address: string | null; people: number; collected: number }>(
      `SELECT s.id, s.name, s.unit_code AS "unitCode", u.name AS "unitName", s.address,
              (SELECT count(*)::int FROM sampling_draw d WHERE d.province_code = s.province_code AND d.site_id = s.id) AS people,
              (SELECT count(*)::int FROM sampling_draw d WHERE d.province_code = s.province_code AND d.site_id = s.id AND d.specimen_id IS NOT NULL) AS collected
         FROM sampling_site s LEFT JOIN admin_unit u ON u.province_code = s.province_code AND u.code = s.unit_code
        WHERE s.province_code = $1 AND s.plan_id = $2 ORDER BY s.name, s.id`,
      [scope.provinceCode, id],
    ),
  ]);
  const byStratum = new Map(counts.rows.map((c) => [c.stratumId == null ? null : Number(c.stratumId), c]));
  const siteName = new Map(sites.rows.map((s) => [Number(s.id), s.name]));
  const design = designOf(plan);
  const items = strata.map((s) => {
    const c = byStratum.get(s.id);
    const size = sizeOf(s);
    const { personIds, ...population } = s.population;
    return {
      ...s,
      population: personIds ? { ...population, personCount: personIds.length } : population,
      size,
      confidenceAtSize: s.riskWeight > 0 ? achievedConfidence(design, size, s.populationSize) : 0,
      site: s.siteId == null ? null : (siteName.get(s.siteId) ?? null),
      collected: c?.collected ?? 0,
      resulted: c?.resulted ?? 0,
      positive: c?.positive ?? 0,
    };
  });
  const sum = (f: (x: (typeof items)[number]) => number) => items.reduce((a, x) => a + f(x), 0);
  const { unitPath: _path, ...rest } = plan;
  void _path;
  const proposed = sum((s) => s.proposedSize);
  return {
    ...rest,
    totals: {
      required: sum((s) => s.requiredSize),
      proposed,
      chosen: sum((s) => s.size),
      drawn: sum((s) => s.drawnCount),
      collected: sum((s) => s.collected),
      resulted: sum((s) => s.resulted),
      positive: sum((s) => s.positive),
      surplus: Math.max(0, plan.budget - proposed),
      meetsDesign: items.every((s) => s.size >= s.requiredSize),
    },
    strata: items,
    sites: sites.rows.map((s) => ({ ...s, id: Number(s.id) })),
  };
}

export async function listPlans(q: Queryable, scope: Scope, f: { unitPath?: string; from?: string; to?: string; status?: string; limit: number }) {
  const r = await q.query<PlanRow & { strata: number; people: number; collected: number }>(
    `SELECT ${PLAN_COLS},
            (SELECT count(*)::int FROM sampling_stratum s WHERE s.province_code = sp.province_code AND s.plan_id = sp.id) AS strata,
            (SELECT coalesce(sum(least(coalesce(s.chosen_size, s.proposed_size), coalesce(s.population_size, 2147483647))), 0)::int FROM sampling_stratum s
              WHERE s.province_code = sp.province_code AND s.plan_id = sp.id) AS people,
            (SELECT count(*)::int FROM specimen x WHERE x.province_code = sp.province_code AND x.plan_id = sp.id) AS collected
       FROM ${PLAN_FROM}
      WHERE sp.province_code = $1 AND (sp.unit_path LIKE $2 || '%' OR $2 LIKE sp.unit_path || '%') AND ($3::date IS NULL OR sp.plan_date >= $3) AND ($4::date IS NULL OR sp.plan_date <= $4)
        AND ($5::text IS NULL OR sp.status = $5)
      ORDER BY sp.plan_date DESC, sp.id DESC LIMIT $6`,
    [scope.provinceCode, f.unitPath ?? scope.path, f.from ?? null, f.to ?? null, f.status ?? null, f.limit],
  );
  return r.rows.map(({ unitPath: _p, ...x }) => x);
}

/** Positions of a stratum's ordered population → person rows. */
async function resolvePositions(q: Queryable, scope: Scope, planPath: string, f: Filter, positions: number[]) {
  // Ranks are computed over ids only; the drawn positions are joined (a hash join, whatever their number).
  const r = await q.query<{ id: number; unitPath: string; communeCode: string; rn: number }>(
    `WITH ranked AS (
       SELECT p.id, (row_number() OVER (ORDER BY ${f.order}) - 1)::int AS rn
         FROM person p WHERE p.province_code = $1 AND ${planClause(planPath)} AND ${f.sql})
     SELECT x.id, pe.unit_path AS "unitPath", pe.commune_code AS "communeCode", x.rn
       FROM ranked x JOIN unnest($${f.params.length + 3}::int[]) AS k(rn) ON k.rn = x.rn
       JOIN person pe ON pe.province_code = $1 AND pe.id = x.id`,
    [scope.provinceCode, planPath, ...f.params, positions],
  );
  const byRank = new Map(r.rows.map((x) => [x.rn, { ...x, id: Number(x.id) }]));
  return positions.map((p) => byRank.get(p)).filter((x): x is NonNullable<typeof x> => !!x);
}

/** A stratum of the whole province's residents: the province's id range is its own. */
const wholeProvince = (s: { kind: StratumKind; population: StoredPopulation }) => s.kind === 'residents' && !!s.population.unitPath && isProvinceRoot(s.population.unitPath);

/** The smallest and largest person id of a stratum. */
async function idRangeOf(q: Queryable, scope: Scope, planPath: string, f: Filter): Promise<{ lo: number; size: number } | null> {
  const r = await q.query<{ min: number | null; max: number | null }>(
    // OFFSET 0 keeps the planner from answering min/max by walking the id index until a member comes
    // (half the province for a district in the middle of the ids): the stratum's rows are read by unit.
    `SELECT min(x.id) AS min, max(x.id) AS max FROM (SELECT p.id FROM person p WHERE p.province_code = $1 AND ${planClause(planPath)} AND ${f.sql} OFFSET 0) x`,
    [scope.provinceCode, planPath, ...f.params],
  );
  const { min, max } = r.rows[0] ?? {};
  return min == null || max == null ? null : { lo: Number(min), size: Number(max) - Number(min) + 1 };
}

/** Candidate person ids → those that are members of the stratum, in the candidates' order. */
async function resolveIds(q: Queryable, scope: Scope, planPath: string, f: Filter, candidates: number[]) {
  const r = await q.query<{ id: number; unitPath: string; communeCode: string }>(
    `SELECT p.id, p.unit_path AS "unitPath", p.commune_code AS "communeCode"
       FROM unnest($${f.params.length + 3}::bigint[]) AS k(id) JOIN person p ON p.province_code = $1 AND p.id = k.id
      WHERE ${planClause(planPath)} AND ${f.sql}`,
    [scope.provinceCode, planPath, ...f.params, candidates],
  );
  const byId = new Map(r.rows.map((x) => [Number(x.id), { ...x, id: Number(x.id) }]));
  return candidates.map((c) => byId.get(c)).filter((x): x is NonNullable<typeof x> => !!x);
}

/**
 * Draws the people of every stratum with the plan's seed (each stratum its own stream), a person
 * at most once per plan, and assigns them to their sampling site (the stratum's site, or the
 * health station of their commune). Only a draft plan is drawn, once.
 */
export async function drawPlan(q: Queryable, req: FastifyRequest, scope: Scope, actor: Actor, id: number, version: number) {
  const plan = await planRow(q, scope, id, true);
  if (!plan) throw notFound();
  if (plan.version !== version) throw new AppError(409, 'stale', [{ field: 'version', code: 'stale', message: String(plan.version) }]);
  if (plan.status !== 'draft') throw new AppError(409, 'invalid_state', [{ field: 'status', code: plan.status }]);
  await propose(q, scope, plan);
  const strata = await strataOf(q, scope.provinceCode, id);
  const taken = new Set<number>();
  const communeSites = new Map<string, number>();
  /** The health station of each commune as a sampling site, made for all the communes at once. */
  const stationSites = async (codes: string[]) => {
    const missing = [...new Set(codes)].filter((c) => !communeSites.has(c));
    if (!missing.length) return;
    const r = await q.query<{ id: number; code: string }>(
      `INSERT INTO sampling_site (province_code, plan_id, name, unit_code, unit_path)
       SELECT $1, $2, 'Trạm Y tế ' || u.name, u.code, u.path FROM admin_unit u WHERE u.province_code = $1 AND u.code = ANY($3::text[]) AND u.path LIKE $4 || '%'
       ON CONFLICT (province_code, plan_id, unit_code, name) DO UPDATE SET address = sampling_site.address RETURNING id, unit_code AS code`,
      [scope.provinceCode, id, missing, plan.unitPath],
    );
    for (const x of r.rows) communeSites.set(x.code, Number(x.id));
  };
  // The province's person ids: a large stratum is drawn from the id range (sparse mode) rather than ranked.
  const ids = await q.query<{ min: number | null; max: number | null }>(`SELECT min(id) AS min, max(id) AS max FROM person WHERE province_code = $1`, [scope.provinceCode]);
  const idMin = Number(ids.rows[0].min ?? 0);
  const idRange = ids.rows[0].max == null ? 0 : Number(ids.rows[0].max) - idMin + 1;
  let total = 0;
  // Higher-risk strata draw first: a person in two strata counts for the riskier one, and the
  // other stratum draws someone else in their place.
  const order = [...strata].sort((a, b) => b.riskWeight - a.riskWeight || a.position - b.position);
  for (const s of order) {
    const size = sizeOf(s);
    const seed = stratumSeed(plan.seed, s.position);
    const f = populationFilter(s.kind, s.population, plan.planDate);
    if (!f) {
      const k = systematicInterval(seed, s.populationSize ?? size, size);
      await q.query(`UPDATE sampling_stratum SET every_kth = $3, start_at = $4, drawn_count = 0 WHERE province_code = $1 AND id = $2`, [scope.provinceCode, s.id, k.every || null, k.start || null]);
      continue;
    }
    if (size <= 0 || !s.populationSize) continue;
    const found = new Map<number, { unitPath: string; communeCode: string }>();
    const remember = (rows: { id: number; unitPath: string; communeCode: string }[]) => {
      for (const r of rows) found.set(r.id, r);
      return rows.map((r) => r.id);
    };
    const N = s.populationSize;
    // Ranking reads the whole stratum; candidate ids cost a key lookup each, n / density of them.
    // A stratum within a district or commune is drawn from its own id range (people are numbered
    // as they were imported, commune by commune), not the province's: denser, fewer lookups.
    const range = s.kind === 'listed' || idRange === 0 ? null : wholeProvince(s) ? { lo: idMin, size: idRange } : await idRangeOf(q, scope, plan.unitPath, f);
    const sparse = !!range && 2 * size * range.size < N * N;
    const chosen = sparse
      ? await drawStratum(seed, range.size, size, async (positions) => remember(await resolveIds(q, scope, plan.unitPath, f, positions.map((x) => range.lo + x))), taken, N / range.size)
      : await drawStratum(seed, N, size, async (positions) => remember(await resolvePositions(q, scope, plan.unitPath, f, positions)), taken);
    if (s.siteId == null) await stationSites(chosen.map((personId) => found.get(personId)!.communeCode));
    const rows = chosen.map((personId, order) => {
      const p = found.get(personId)!;
      return { person_id: personId, site_id: s.siteId ?? communeSites.get(p.communeCode)!, draw_order: order, unit_path: p.unitPath, commune_code: p.communeCode };
    });
    for (let i = 0; i < rows.length; i += 5000) {
      await q.query(
        `INSERT INTO sampling_draw (province_code, plan_id, person_id, stratum_id, site_id, draw_order, unit_path, commune_code)
         SELECT $1, $2, x.person_id, $3, x.site_id, x.draw_order, x.unit_path, x.commune_code
           FROM jsonb_to_recordset($4::jsonb) AS x(person_id bigint, site_id bigint, draw_order int, unit_path text, commune_code text)`,
        [scope.provinceCode, id, s.id, JSON.stringify(rows.slice(i, i + 5000))],
      );
    }
    await q.query(`UPDATE sampling_stratum SET drawn_count = $3 WHERE province_code = $1 AND id = $2`, [scope.provinceCode, s.id, chosen.length]);
    total += chosen.length;
  }
  await q.query(`UPDATE sampling_plan SET status = 'drawn', drawn_at = now(), drawn_by = $3, version = version + 1, updated_at = now() WHERE province_code = $1 AND id = $2`, [
    scope.provinceCode,
    id,
    actor.id,
  ]);
  await audit(q, req, { action: 'update', entity: 'sampling_plan', entityId: id, details: { drawn: total, seed: plan.seed } });
  return (await getPlan(q, scope, id))!;
}

export async function closePlan(q: Queryable, req: FastifyRequest, scope: Scope, id: number, version: number) {
  const plan = await planRow(q, scope, id, true);
  if (!plan) throw notFound();
  if (plan.version !== version) throw new AppError(409, 'stale', [{ field: 'version', code: 'stale', message: String(plan.version) }]);
  if (plan.status === 'closed') throw new AppError(409, 'invalid_state', [{ field: 'status', code: plan.status }]);
  await q.query(`UPDATE sampling_plan SET status = 'closed', version = version + 1, updated_at = now() WHERE province_code = $1 AND id = $2`, [scope.provinceCode, id]);
  await audit(q, req, { action: 'update', entity: 'sampling_plan', entityId: id, details: { status: 'closed' } });
  return (await getPlan(q, scope, id))!;
}

export interface SitePerson {
  order: number;
  personId: number;
  fullName: string;
  birthDate: string | null;
  sex: string | null;
  cccd: string | null;
  phone: string | null;
  address: string | null;
  villageName: string | null;
  communeName: string | null;
  stratumId: number;
  stratum: string;
  specimenId: number | null;
  barcode: string | null;
}

/** The people drawn for a site (every site of the plan when siteId is null), in draw order. */
export async function sitePeople(q: Queryable, scope: Scope, planId: number, siteId: number | null, limit: number, offset: number) {
  const plan = await planRow(q, scope, planId);
  if (!plan) return null;
  if (siteId != null) {
    const s = await q.query(`SELECT 1 FROM sampling_site WHERE province_code = $1 AND plan_id = $2 AND id = $3`, [scope.provinceCode, planId, siteId]);
    if (!s.rows.length) return null;
  }
  const where = `d.province_code = $1 AND d.plan_id = $2 AND ($3::bigint IS NULL OR d.site_id = $3) AND d.unit_path LIKE $4 || '%'`;
  const [items, total] = await Promise.all([
    q.query<SitePerson & { siteId: number }>(
      `SELECT d.draw_order AS "order", d.person_id AS "personId", p.full_name AS "fullName", p.birth_date AS "birthDate", p.sex, p.cccd, p.phone, p.address,
              v.name AS "villageName", c.name AS "communeName", d.stratum_id AS "stratumId", st.name AS stratum, d.site_id AS "siteId",
              d.specimen_id AS "specimenId", sp.barcode
         FROM sampling_draw d
         JOIN person p ON p.province_code = d.province_code AND p.id = d.person_id
         JOIN sampling_stratum st ON st.province_code = d.province_code AND st.id = d.stratum_id
         LEFT JOIN admin_unit v ON v.province_code = p.province_code AND v.code = p.village_code
         LEFT JOIN admin_unit c ON c.province_code = d.province_code AND c.code = d.commune_code
         LEFT JOIN specimen sp ON sp.province_code = d.province_code AND sp.id = d.specimen_id
        WHERE ${where} ORDER BY d.site_id, st.position, d.draw_order LIMIT $5 OFFSET $6`,
      [scope.provinceCode, planId, siteId, scope.path, limit, offset],
    ),
    q.query<{ n: number }>(`SELECT count(*)::int AS n FROM sampling_draw d WHERE ${where}`, [scope.provinceCode, planId, siteId, scope.path]),
  ]);
  return { total: total.rows[0].n, items: items.rows.map((x) => ({ ...x, personId: Number(x.personId), stratumId: Number(x.stratumId), siteId: Number(x.siteId), specimenId: x.specimenId == null ? null : Number(x.specimenId) })) };
}

/** The site lists as a workbook: one sheet per site, the people to sample with room for the barcode. */
export async function planWorkbook(q: Queryable, scope: Scope, planId: number, siteId: number | null): Promise<{ buffer: Buffer; people: number } | null> {
  const plan = await getPlan(q, scope, planId);
  if (!plan) return null;
  const list = await sitePeople(q, scope, planId, siteId, 1_000_000, 0);
  if (!list) return null;
  const wb = new ExcelJS.Workbook();
  wb.creator = 'chongdich';
  const sites = plan.sites.filter((s) => siteId == null || s.id === siteId);
  const used = new Set<string>();
  for (const site of sites) {
    let name = site.name.replace(/[\\/?*[\]:]/g, ' ').slice(0, 28) || `Điểm ${site.id}`;
    while (used.has(name)) name = name.slice(0, 25) + ' ' + site.id;
    used.add(name);
    const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 4 }], pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
    ws.addRow([`${plan.name} — ngày ${plan.planDate.split('-').reverse().join('/')}`]).font = { bold: true, size: 13 };
    ws.addRow([`Điểm lấy mẫu: ${site.name}${site.unitName ? ' (' + site.unitName + ')' : ''}${site.address ? ' — ' + site.address : ''}`]);
    const rows = list.items.filter((p) => p.siteId === site.id);
    ws.addRow([`Số người: ${rows.length}. Hạt giống bốc thăm: ${plan.seed}`]);
    const header = ws.addRow(['STT', 'Họ và tên', 'Ngày sinh', 'Giới tính', 'Số CCCD', 'Số điện thoại', 'Địa chỉ', 'Thôn/xóm', 'Xã/phường', 'Nhóm', 'Mã mẫu', 'Đã lấy mẫu']);
    header.font = { bold: true };
    rows.forEach((p, i) =>
      ws.addRow([
        i + 1,
        p.fullName,
        p.birthDate ? p.birthDate.split('-').reverse().join('/') : '',
        p.sex === 'M' ? 'Nam' : p.sex === 'F' ? 'Nữ' : '',
        p.cccd ?? '',
        p.phone ?? '',
        p.address ?? '',
        p.villageName ?? '',
        p.communeName ?? '',
        p.stratum,
        p.barcode ?? '',
        p.specimenId ? 'x' : '',
      ]),
    );
    [6, 28, 12, 9, 15, 14, 30, 16, 18, 22, 18, 10].forEach((w, i) => (ws.getColumn(i + 1).width = w));
    ws.getColumn(5).numFmt = '@';
  }
  const onSite = plan.strata.filter((s) => s.kind === 'on_site' && s.everyKth);
  if (onSite.length) {
    const ws = wb.addWorksheet('Lấy mẫu tại chỗ');
    ws.addRow(['Nhóm', 'Ước tính số người', 'Số mẫu', 'Lấy mẫu mỗi', 'Bắt đầu từ người thứ']).font = { bold: true };
    for (const s of onSite) ws.addRow([s.name, s.populationSize ?? '', s.size, s.everyKth, s.startAt]);
  }
  if (!wb.worksheets.length) wb.addWorksheet('Danh sách').addRow(['Chưa bốc thăm']);
  return { buffer: Buffer.from(await wb.xlsx.writeBuffer()), people: list.total };
}

export { fieldError };
