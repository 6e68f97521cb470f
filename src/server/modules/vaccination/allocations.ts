// Allocations of vaccine lots to units (vaccine_allocation): the province allocates doses of a lot
// to its districts (or, in a province without districts, its communes); a district passes part of
// its allocation on to its communes (parent_id). Each delivery is checked against what the lot or
// the parent allocation still holds, under a lock on both, and followed against the completion
// rule in force on its delivery day (vaccination.allocation_completion_days, seed 002).
// Administered = doses of the lot given at sites inside the unit (vaccine_dose.site_path).
import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../../db/index.ts';
import { AppError, notFound } from '../../errors.ts';
import { audit } from '../../plugins/audit.ts';
import { getUnit, type UnitRow } from '../units/store.ts';
import { addDays } from '../../../domain/cases/dates.ts';
import { allocationStatuses, allocationWarnings, checkAllocation, supplySeries, type AllocationState, type DayCount } from '../../../domain/vaccination/allocation.ts';
import { checkDates, completionRule, fieldError, knownProducts, todayInVietnam, type Caller } from './supplyCommon.ts';

export interface AllocationRow {
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
  /** Who gave it: the parent allocation's unit, or null for the province's stock. */
  fromUnitName: string | null;
  doses: number;
  /** Doses of this allocation passed on to the unit's own units. */
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

export interface AllocationInput {
  lotId: number;
  unitCode: string;
  parentId?: number | null;
  doses: number;
  deliveredOn: string;
  note?: string | null;
}

interface RawAllocation extends Omit<AllocationRow, 'productName' | 'administered' | 'dueOn' | 'completedOn' | 'state' | 'daysLeft'> {
  provinceCode: string;
}

/**
 * Doses of each (unit, lot) pair given at sites in the unit, per day, up to `today`. The doses of
 * the lots are counted once per (lot, site, day) within `within` (the caller's jurisdiction), and
 * each count is added to every unit on the site's path by equality on the path's prefixes — not
 * one LIKE per pair, which read the lot's doses again for every unit it went to.
 */
async function administeredByPair(q: Queryable, provinceCode: string, within: string, pairs: { unitPath: string; lotId: number }[], today: string): Promise<Map<string, DayCount[]>> {
  const out = new Map<string, DayCount[]>();
  if (!pairs.length) return out;
  const r = await q.query<{ unitPath: string; lotId: number; day: string; n: number }>(
    `WITH p AS (SELECT DISTINCT unit_path, lot_id FROM unnest($2::text[], $3::bigint[]) AS t(unit_path, lot_id)),
          d AS (SELECT lot_id, site_path, given_on, count(*)::int AS n FROM vaccine_dose
                 WHERE province_code = $1 AND lot_id IN (SELECT lot_id FROM p) AND site_path LIKE $5 || '%' AND given_on <= $4
                 GROUP BY 1, 2, 3),
          a AS (SELECT d.lot_id, d.given_on, d.n, left(d.site_path, k) AS prefix
                  FROM d CROSS JOIN LATERAL generate_series(1, length(d.site_path)) AS k WHERE substr(d.site_path, k, 1) = '/')
     SELECT p.unit_path AS "unitPath", p.lot_id AS "lotId", a.given_on AS day, sum(a.n)::int AS n
       FROM a JOIN p ON p.lot_id = a.lot_id AND p.unit_path = a.prefix
      GROUP BY 1, 2, 3`,
    [provinceCode, pairs.map((p) => p.unitPath), pairs.map((p) => p.lotId), today, within],
  );
  for (const row of r.rows) {
    const k = `${row.unitPath}|${row.lotId}`;
    if (!out.has(k)) out.set(k, []);
    out.get(k)!.push({ day: row.day, n: row.n });
  }
  return out;
}

const SELECT = `SELECT a.id, a.province_code AS "provinceCode", a.lot_id AS "lotId", l.product_code AS "productCode", l.lot_number AS "lotNumber", l.expiry_date AS "expiryDate",
         a.unit_code AS "unitCode", u.name AS "unitName", u.level AS "unitLevel", a.unit_path AS "unitPath", a.parent_id AS "parentId", pu.name AS "fromUnitName",
         a.doses, COALESCE((SELECT sum(c.doses) FROM vaccine_allocation c WHERE c.province_code = a.province_code AND c.parent_id = a.id), 0)::int AS "passedOn",
         a.delivered_on AS "deliveredOn", a.note, a.created_at AS "createdAt"
    FROM vaccine_allocation a
    JOIN vaccine_lot l ON l.province_code = a.province_code AND l.id = a.lot_id
    JOIN admin_unit u ON u.province_code = a.province_code AND u.code = a.unit_code
    LEFT JOIN vaccine_allocation p ON p.province_code = a.province_code AND p.id = a.parent_id
    LEFT JOIN admin_unit pu ON pu.province_code = p.province_code AND pu.code = p.unit_code`;

/**
 * Allocations in the caller's jurisdiction (optionally in one unit's subtree, of one lot), newest
 * delivery first, each with how much of it is administered and its state on `today`.
 */
export async function listAllocations(q: Queryable, caller: Caller, opts: { unitPath?: string; lotId?: number; id?: number; today?: string } = {}): Promise<AllocationRow[]> {
  const { provinceCode, path } = caller.scope;
  const today = opts.today ?? todayInVietnam();
  const r = await q.query<RawAllocation>(
    `${SELECT}
      WHERE a.province_code = $1 AND a.unit_path LIKE $2 || '%' AND ($3::text IS NULL OR a.unit_path LIKE $3 || '%')
        AND ($4::bigint IS NULL OR a.lot_id = $4) AND ($5::bigint IS NULL OR a.id = $5)
      ORDER BY a.delivered_on DESC, a.id DESC LIMIT 5000`,
    [provinceCode, path, opts.unitPath ?? null, opts.lotId ?? null, opts.id ?? null],
  );
  return withStatus(q, provinceCode, path, r.rows, today);
}

async function withStatus(q: Queryable, provinceCode: string, within: string, rows: RawAllocation[], today: string): Promise<AllocationRow[]> {
  if (!rows.length) return [];
  // Every delivery of the same lot to the same unit counts in the first-in-first-out order,
  // including those the filter left out.
  const pairs = [...new Map(rows.map((a) => [`${a.unitPath}|${a.lotId}`, { unitPath: a.unitPath, lotId: a.lotId }])).values()];
  const deliveries = await q.query<{ id: number; unitPath: string; lotId: number; doses: number; deliveredOn: string }>(
    `SELECT a.id, a.unit_path AS "unitPath", a.lot_id AS "lotId", a.doses, a.delivered_on AS "deliveredOn"
       FROM vaccine_allocation a JOIN unnest($2::text[], $3::bigint[]) AS p(unit_path, lot_id) ON a.unit_path = p.unit_path AND a.lot_id = p.lot_id
      WHERE a.province_code = $1`,
    [provinceCode, pairs.map((p) => p.unitPath), pairs.map((p) => p.lotId)],
  );
  const given = await administeredByPair(q, provinceCode, within, pairs, today);
  const rule = await completionRule(q, provinceCode);
  const byPair = new Map<string, { id: number; doses: number; deliveredOn: string }[]>();
  for (const d of deliveries.rows) {
    const k = `${d.unitPath}|${d.lotId}`;
    if (!byPair.has(k)) byPair.set(k, []);
    byPair.get(k)!.push(d);
  }
  const status = new Map<number, ReturnType<typeof allocationStatuses>[number]>();
  for (const [k, ds] of byPair) for (const s of allocationStatuses(ds, given.get(k) ?? [], rule, today)) status.set(s.id, s);
  const names = await knownProducts(q, provinceCode, today);
  return rows.map(({ provinceCode: _p, ...a }) => {
    const s = status.get(a.id)!;
    return {
      ...a,
      createdAt: new Date(a.createdAt).toISOString(),
      productName: names.get(a.productCode) ?? a.productCode,
      administered: s.administered,
      dueOn: s.dueOn,
      completedOn: s.completedOn,
      state: s.state,
      daysLeft: s.daysLeft,
    };
  });
}

export async function createAllocation(q: Queryable, req: FastifyRequest, caller: Caller, input: AllocationInput): Promise<AllocationRow> {
  const { provinceCode } = caller.scope;
  checkDates({ deliveredOn: input.deliveredOn });
  const today = todayInVietnam();
  const lot = (
    await q.query<{ id: number; dosesReceived: number; expiryDate: string | null; receivedOn: string | null }>(
      `SELECT id, doses_received AS "dosesReceived", expiry_date AS "expiryDate", received_on AS "receivedOn" FROM vaccine_lot WHERE province_code = $1 AND id = $2 FOR UPDATE`,
      [provinceCode, input.lotId],
    )
  ).rows[0];
  if (!lot) throw fieldError(400, 'lotId', 'unknown_lot');
  const unit = await getUnit(q, caller.scope, input.unitCode);
  if (!unit) throw notFound();
  let parent: { id: number; lotId: number; unitCode: string; unitPath: string; doses: number; deliveredOn: string; passedOn: number } | null = null;
  if (input.parentId != null) {
    const p = (
      await q.query<{ id: number; lotId: number; unitCode: string; unitPath: string; doses: number; deliveredOn: string }>(
        `SELECT id, lot_id AS "lotId", unit_code AS "unitCode", unit_path AS "unitPath", doses, delivered_on AS "deliveredOn"
           FROM vaccine_allocation WHERE province_code = $1 AND id = $2 AND unit_path LIKE $3 || '%' FOR UPDATE`,
        [provinceCode, input.parentId, caller.scope.path],
      )
    ).rows[0];
    if (!p) throw fieldError(400, 'parentId', 'unknown_allocation');
    if (p.lotId !== input.lotId) throw fieldError(400, 'lotId', 'not_the_parent_lot');
    if (unit.parentCode !== p.unitCode) throw fieldError(400, 'unitCode', 'not_under_parent_unit');
    const passed = await q.query<{ n: number }>(`SELECT COALESCE(sum(doses), 0)::int AS n FROM vaccine_allocation WHERE province_code = $1 AND parent_id = $2`, [provinceCode, p.id]);
    parent = { ...p, passedOn: passed.rows[0].n };
  } else {
    // From the province's stock: province-wide staff, to a unit right under the province.
    if (!caller.provinceWide) throw new AppError(403, 'forbidden', [{ field: 'parentId', code: 'province_stock_only_for_province' }]);
    if (!(await isDirectlyUnderProvince(q, provinceCode, unit))) throw fieldError(400, 'unitCode', 'not_a_district');
  }
  const allocated = await q.query<{ n: number }>(`SELECT COALESCE(sum(doses), 0)::int AS n FROM vaccine_allocation WHERE province_code = $1 AND lot_id = $2 AND parent_id IS NULL`, [
    provinceCode,
    lot.id,
  ]);
  const issues = checkAllocation({ doses: input.doses, deliveredOn: input.deliveredOn, today, lot, lotAllocated: allocated.rows[0].n, parent });
  if (issues.length) {
    const status = issues.some((i) => i.status === 400) ? 400 : 409;
    throw new AppError(status, status === 400 ? 'validation' : 'conflict', issues.filter((i) => i.status === status).map(({ field, code }) => ({ field, code })));
  }
  const r = await q.query<{ id: number }>(
    `INSERT INTO vaccine_allocation (province_code, lot_id, unit_code, unit_path, parent_id, doses, delivered_on, note, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [provinceCode, lot.id, unit.code, unit.path, parent?.id ?? null, input.doses, input.deliveredOn, input.note?.normalize('NFC').trim() || null, caller.id],
  );
  const id = Number(r.rows[0].id);
  await audit(q, req, { action: 'create', entity: 'vaccine_allocation', entityId: id, details: { lotId: lot.id, unitCode: unit.code, parentId: parent?.id ?? null, doses: input.doses } });
  return (await listAllocations(q, caller, { id, today }))[0];
}

async function isDirectlyUnderProvince(q: Queryable, provinceCode: string, unit: UnitRow) {
  const r = await q.query<{ level: string }>(`SELECT level FROM admin_unit WHERE province_code = $1 AND code = $2`, [provinceCode, unit.parentCode]);
  return r.rows[0]?.level === 'province';
}

/** A delivery without anything passed on from it may be withdrawn (entered by mistake). */
export async function deleteAllocation(q: Queryable, req: FastifyRequest, caller: Caller, id: number): Promise<void> {
  const { provinceCode, path } = caller.scope;
  const a = (
    await q.query<{ id: number; parentId: number | null; unitPath: string }>(
      `SELECT id, parent_id AS "parentId", unit_path AS "unitPath" FROM vaccine_allocation WHERE province_code = $1 AND id = $2 AND unit_path LIKE $3 || '%' FOR UPDATE`,
      [provinceCode, id, path],
    )
  ).rows[0];
  if (!a) throw notFound();
  // A unit does not withdraw what was given to it: the giver does (the province, or the district for its communes).
  if (a.unitPath === path) throw new AppError(403, 'forbidden', [{ field: 'id', code: 'withdrawn_by_the_giver' }]);
  const children = await q.query(`SELECT 1 FROM vaccine_allocation WHERE province_code = $1 AND parent_id = $2 LIMIT 1`, [provinceCode, id]);
  if (children.rows.length) throw fieldError(409, 'id', 'already_passed_on');
  await q.query(`DELETE FROM vaccine_allocation WHERE province_code = $1 AND id = $2`, [provinceCode, id]);
  await audit(q, req, { action: 'delete', entity: 'vaccine_allocation', entityId: id });
}

export interface SupplySummary {
  unit: { code: string; name: string; level: string };
  lotId: number | null;
  from: string;
  to: string;
  /** What came into the unit: allocations to it (for the province: the lots it received). */
  allocated: number;
  administered: number;
  /** Doses the unit passed on to its own units. */
  passedOn: number;
  series: { day: string; allocated: number; administered: number }[];
  warnings: AllocationRow[];
  policy: { days: number; warnDaysBefore: number } | null;
}

/** Allocated against administered over time for a unit (and optionally one lot), with the warnings of its subtree. */
export async function supplySummary(q: Queryable, caller: Caller, unit: UnitRow, opts: { lotId?: number; from?: string; to?: string }): Promise<SupplySummary> {
  const { provinceCode } = caller.scope;
  checkDates({ from: opts.from, to: opts.to });
  const today = todayInVietnam();
  const to = opts.to && opts.to < today ? opts.to : today;
  const lot = opts.lotId ?? null;
  let deliveries: DayCount[];
  if (unit.level === 'province') {
    const r = await q.query<{ day: string; n: number }>(
      `SELECT COALESCE(received_on, (created_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date) AS day, sum(doses_received)::int AS n
         FROM vaccine_lot WHERE province_code = $1 AND ($2::bigint IS NULL OR id = $2) GROUP BY 1`,
      [provinceCode, lot],
    );
    deliveries = r.rows;
  } else {
    const r = await q.query<{ day: string; n: number }>(
      `SELECT delivered_on AS day, sum(doses)::int AS n FROM vaccine_allocation WHERE province_code = $1 AND unit_path = $2 AND ($3::bigint IS NULL OR lot_id = $3) GROUP BY 1`,
      [provinceCode, unit.path, lot],
    );
    deliveries = r.rows;
  }
  const given = await q.query<{ day: string; n: number }>(
    `SELECT given_on AS day, count(*)::int AS n FROM vaccine_dose
      WHERE province_code = $1 AND site_path LIKE $2 || '%' AND given_on <= $3 AND ($4::bigint IS NULL OR lot_id = $4)
        AND (${unit.level === 'province' ? 'TRUE' : `lot_id IN (SELECT lot_id FROM vaccine_allocation WHERE province_code = $1 AND unit_path = $5)`})
      GROUP BY 1`,
    unit.level === 'province' ? [provinceCode, unit.path, to, lot] : [provinceCode, unit.path, to, lot, unit.path],
  );
  const passed = await q.query<{ n: number }>(
    `SELECT COALESCE(sum(doses), 0)::int AS n FROM vaccine_allocation WHERE province_code = $1 AND ($2::bigint IS NULL OR lot_id = $2) AND ${
      unit.level === 'province' ? 'parent_id IS NULL' : `parent_id IN (SELECT id FROM vaccine_allocation WHERE province_code = $1 AND unit_path = $3)`
    }`,
    unit.level === 'province' ? [provinceCode, lot] : [provinceCode, lot, unit.path],
  );
  const firstDelivery = deliveries.reduce<string | null>((m, d) => (!m || d.day < m ? d.day : m), null);
  const from = opts.from ?? (firstDelivery && firstDelivery < to ? firstDelivery : addDays(to, -30));
  const series = supplySeries(deliveries, given.rows, from, to);
  const all = await listAllocations(q, caller, { unitPath: unit.path, lotId: opts.lotId, today });
  const rule = (await completionRule(q, provinceCode))(today);
  return {
    unit: { code: unit.code, name: unit.name, level: unit.level },
    lotId: lot,
    from,
    to,
    allocated: deliveries.filter((d) => d.day <= to).reduce((s, d) => s + d.n, 0),
    administered: given.rows.reduce((s, d) => s + d.n, 0),
    passedOn: passed.rows[0].n,
    series,
    warnings: allocationWarnings(all),
    policy: rule ? { days: rule.days, warnDaysBefore: rule.warnDaysBefore } : null,
  };
}
