// Capacity and turnaround: samples, pools, tests and positivity by day and unit, lab capacity use
// against the province's targets, collection-to-result times, overdue samples — from the daily
// facts (testing_daily, testing_daily_lab) and the index of waiting specimens.
import type { Queryable } from '../../db/index.ts';
import type { Scope } from '../units/store.ts';
import type { CapacityTargets, ResultDuePolicy } from '../../../domain/testing/policies.ts';
import { iso, policy, todayInVietnam } from './common.ts';

export async function dashboard(q: Queryable, scope: Scope, f: { unitPath: string; from: string; to: string }) {
  const pc = scope.provinceCode;
  const [targets, due] = await Promise.all([policy<CapacityTargets>(q, pc, 'testing.capacity_targets', f.to), policy<ResultDuePolicy>(q, pc, 'testing.result_due_hours', todayInVietnam())]);
  const sums = `coalesce(sum(specimens), 0)::int AS specimens, coalesce(sum(single), 0)::int AS single, coalesce(sum(pooled), 0)::int AS pooled,
    coalesce(sum(resulted), 0)::int AS resulted, coalesce(sum(positive), 0)::int AS positive, coalesce(sum(negative), 0)::int AS negative,
    coalesce(sum(turnaround_hours), 0)::float8 AS "turnaroundHours", coalesce(sum(within_12h), 0)::int AS "within12h", coalesce(sum(within_24h), 0)::int AS "within24h",
    coalesce(sum(within_48h), 0)::int AS "within48h", coalesce(sum(over_48h), 0)::int AS "over48h"`;
  const where = `province_code = $1 AND unit_path LIKE $2 || '%' AND day BETWEEN $3 AND $4`;
  const args = [pc, f.unitPath, f.from, f.to];
  type Sums = { specimens: number; single: number; pooled: number; resulted: number; positive: number; negative: number; turnaroundHours: number; within12h: number; within24h: number; within48h: number; over48h: number };
  const depth = f.unitPath.split('/').filter(Boolean).length;
  const [total, byDay, byUnit, labs, labDays, pools, overdue, overdueItems] = await Promise.all([
    q.query<Sums>(`SELECT ${sums} FROM testing_daily WHERE ${where}`, args),
    q.query<Sums & { day: string }>(`SELECT day, ${sums} FROM testing_daily WHERE ${where} GROUP BY day ORDER BY day`, args),
    // One level below the unit: the child a row's path passes through.
    q.query<Sums & { code: string; name: string }>(
      `SELECT c.code, c.name, ${sums.replace(/sum\(/g, 'sum(d.')} FROM testing_daily d
         JOIN admin_unit c ON c.province_code = d.province_code AND c.path = array_to_string((string_to_array(d.unit_path, '/'))[1:${depth + 1}], '/') || '/'
        WHERE d.province_code = $1 AND d.unit_path LIKE $2 || '%' AND d.day BETWEEN $3 AND $4 AND d.unit_path <> $2
        GROUP BY c.code, c.name ORDER BY c.name`,
      args,
    ),
    q.query<{ id: number; name: string; capacitySingle: number; capacityPooled: number; singleTests: number; poolTests: number; pooledSpecimens: number; positiveSingle: number; positivePools: number; invalid: number; days: number }>(
      `SELECT l.id, l.name, l.capacity_single AS "capacitySingle", l.capacity_pooled AS "capacityPooled",
              coalesce(sum(d.single_tests), 0)::int AS "singleTests", coalesce(sum(d.pool_tests), 0)::int AS "poolTests", coalesce(sum(d.pooled_specimens), 0)::int AS "pooledSpecimens",
              coalesce(sum(d.positive_single), 0)::int AS "positiveSingle", coalesce(sum(d.positive_pools), 0)::int AS "positivePools", coalesce(sum(d.invalid), 0)::int AS invalid,
              count(d.day)::int AS days
         FROM lab l LEFT JOIN testing_daily_lab d ON d.province_code = l.province_code AND d.lab_id = l.id AND d.day BETWEEN $2 AND $3
        WHERE l.province_code = $1 GROUP BY l.id, l.name, l.capacity_single, l.capacity_pooled ORDER BY l.name`,
      [pc, f.from, f.to],
    ),
    q.query<{ day: string; singleTests: number; poolTests: number; pooledSpecimens: number }>(
      `SELECT day, sum(single_tests)::int AS "singleTests", sum(pool_tests)::int AS "poolTests", sum(pooled_specimens)::int AS "pooledSpecimens"
         FROM testing_daily_lab WHERE province_code = $1 AND day BETWEEN $2 AND $3 GROUP BY day ORDER BY day`,
      [pc, f.from, f.to],
    ),
    q.query<{ pools: number; positive: number }>(
      `SELECT count(*)::int AS pools, count(*) FILTER (WHERE outcome = 'positive')::int AS positive FROM pool WHERE province_code = $1 AND unit_path LIKE $2 || '%' AND created_on BETWEEN $3 AND $4`,
      args,
    ),
    q.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM specimen s WHERE s.province_code = $1 AND s.outcome IS NULL AND s.status IN ('collected', 'pooled')
          AND s.collected_at < now() - make_interval(hours => $3::int) AND (s.unit_path LIKE $2 || '%' OR s.site_path LIKE $2 || '%')`,
      [pc, f.unitPath, due.value.hours],
    ),
    q.query<{ id: number; barcode: string; collectedAt: string; labId: number | null; labName: string | null; poolBarcode: string | null; communeName: string | null }>(
      `SELECT s.id, s.barcode, s.collected_at AS "collectedAt", s.lab_id AS "labId", l.name AS "labName", p.barcode AS "poolBarcode", u.name AS "communeName"
         FROM specimen s
         LEFT JOIN lab l ON l.province_code = s.province_code AND l.id = s.lab_id
         LEFT JOIN pool_member pm ON pm.province_code = s.province_code AND pm.specimen_id = s.id
         LEFT JOIN pool p ON p.province_code = pm.province_code AND p.id = pm.pool_id
         LEFT JOIN admin_unit u ON u.province_code = s.province_code AND u.code = s.commune_code
        WHERE s.province_code = $1 AND s.outcome IS NULL AND s.status IN ('collected', 'pooled') AND s.collected_at < now() - make_interval(hours => $3::int)
          AND (s.unit_path LIKE $2 || '%' OR s.site_path LIKE $2 || '%')
        ORDER BY s.collected_at LIMIT 50`,
      [pc, f.unitPath, due.value.hours],
    ),
  ]);
  const t = total.rows[0];
  const rate = (a: number, b: number) => (b > 0 ? a / b : null);
  const n = (x: number) => Number(x);
  return {
    from: f.from,
    to: f.to,
    totals: {
      specimens: t.specimens,
      single: t.single,
      pooled: t.pooled,
      resulted: t.resulted,
      positive: t.positive,
      positivity: rate(t.positive, t.resulted),
      pools: pools.rows[0].pools,
      positivePools: pools.rows[0].positive,
    },
    byDay: byDay.rows.map((d) => ({ day: d.day, specimens: d.specimens, single: d.single, pooled: d.pooled, resulted: d.resulted, positive: d.positive, positivity: rate(d.positive, d.resulted) })),
    byUnit: byUnit.rows.map((u) => ({ unitCode: u.code, name: u.name, specimens: u.specimens, resulted: u.resulted, positive: u.positive, positivity: rate(u.positive, u.resulted) })),
    capacity: {
      targets: { ...targets.value, policyVersion: targets.version, source: targets.source },
      byDay: labDays.rows.map((d) => ({ ...d, singleShare: rate(d.singleTests, targets.value.singlePerDay), pooledShare: rate(d.pooledSpecimens, targets.value.pooledPerDay) })),
      labs: labs.rows.map((l) => ({
        ...l,
        id: n(l.id),
        perDaySingle: l.days ? l.singleTests / l.days : 0,
        perDayPooled: l.days ? l.pooledSpecimens / l.days : 0,
        useSingle: l.days && l.capacitySingle ? l.singleTests / l.days / l.capacitySingle : null,
        usePooled: l.days && l.capacityPooled ? l.pooledSpecimens / l.days / l.capacityPooled : null,
      })),
    },
    turnaround: {
      resulted: t.resulted,
      meanHours: t.resulted ? t.turnaroundHours / t.resulted : null,
      within12h: t.within12h,
      within24h: t.within24h,
      within48h: t.within48h,
      over48h: t.over48h,
    },
    overdue: {
      dueHours: due.value.hours,
      count: overdue.rows[0].n,
      items: overdueItems.rows.map((o) => ({ ...o, id: n(o.id), labId: o.labId == null ? null : n(o.labId), collectedAt: iso(o.collectedAt)!, waitingHours: Math.round(((Date.now() - Date.parse(iso(o.collectedAt)!)) / 3_600_000) * 10) / 10 })),
    },
  };
}

/** Positivity by stratum: per plan (planId) or for the plans of a period. */
export async function strataPositivity(q: Queryable, scope: Scope, f: { planId?: number; from?: string; to?: string }) {
  const r = await q.query<{ planId: number; planName: string; planDate: string; stratumId: number; name: string; kind: string; riskWeight: number; size: number; drawn: number; collected: number; resulted: number; positive: number }>(
    `SELECT sp.id AS "planId", sp.name AS "planName", sp.plan_date AS "planDate", st.id AS "stratumId", st.name, st.kind, st.risk_weight AS "riskWeight",
            least(coalesce(st.chosen_size, st.proposed_size), coalesce(st.population_size, 2147483647))::int AS size, st.drawn_count AS drawn,
            count(s.id)::int AS collected, count(s.id) FILTER (WHERE s.outcome IS NOT NULL)::int AS resulted, count(s.id) FILTER (WHERE s.outcome = 'positive')::int AS positive
       FROM sampling_plan sp
       JOIN sampling_stratum st ON st.province_code = sp.province_code AND st.plan_id = sp.id
       LEFT JOIN specimen s ON s.province_code = st.province_code AND s.stratum_id = st.id AND s.status <> 'rejected'
      WHERE sp.province_code = $1 AND sp.unit_path LIKE $2 || '%' AND ($3::bigint IS NULL OR sp.id = $3)
        AND ($4::date IS NULL OR sp.plan_date >= $4) AND ($5::date IS NULL OR sp.plan_date <= $5)
      GROUP BY sp.id, sp.name, sp.plan_date, st.id, st.name, st.kind, st.risk_weight, st.chosen_size, st.proposed_size, st.population_size, st.drawn_count, st.position
      ORDER BY sp.plan_date DESC, sp.id, st.position`,
    [scope.provinceCode, scope.path, f.planId ?? null, f.from ?? null, f.to ?? null],
  );
  return r.rows.map((x) => ({ ...x, planId: Number(x.planId), stratumId: Number(x.stratumId), positivity: x.resulted ? x.positive / x.resulted : null }));
}
