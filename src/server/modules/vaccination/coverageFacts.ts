// Daily coverage facts (vaccination_coverage_daily), kept current by every dose write.
//
// A row is a change point: the state of a commune's age group from its day until the next row
// (people of the group on that day and how many have at least one dose, a complete primary series,
// a booster, a second booster). Coverage on a date is the latest row on or before it, so a report
// of every commune of a province reads one row per commune and group. A refresh from a day
// recomputes the rows of its communes from that day to the horizon (a year and some ahead: people
// change age group on their birthdays without any write) in one set-based statement: the state on
// the day collapses into one row, then every later enter / leave / dose event adds a row. The rows
// before the day are kept (nothing before it changed). Definitions: src/domain/vaccination/coverage.ts.
import type { Queryable } from '../../db/index.ts';
import { policyOn } from '../policies/service.ts';
import { todayInVietnam } from '../imports/service.ts';
import { AGE_BOUNDS, COVERAGE_EXTEND_WITHIN_DAYS, COVERAGE_HORIZON_DAYS, COVERAGE_START } from '../../../domain/vaccination/coverage.ts';
import type { ProductPolicy } from '../../../domain/vaccination/types.ts';
import { rebuildLotFacts, refreshLotFacts } from './lotFacts.ts';

const addDays = (iso: string, days: number) => new Date(Date.parse(iso + 'T00:00:00Z') + days * 86_400_000).toISOString().slice(0, 10);

const DEFAULT_SERIES: Record<string, number> = { astrazeneca: 2, pfizer: 2, pfizer_pediatric: 2, moderna: 2, vero_cell: 2, sputnik_v: 2, janssen: 1, abdala: 3, hayat_vax: 2 };

/** Primary doses per product code, from the products policy in force today (a product's series length does not change between versions). */
export async function primaryDosesByProduct(q: Queryable, provinceCode: string, on = todayInVietnam()): Promise<{ codes: string[]; doses: number[] }> {
  const p = await policyOn<{ products: ProductPolicy[] }>(q, provinceCode, 'vaccination.products', on);
  const products = p?.value.products ?? [];
  const codes = products.map((x) => x.code);
  const doses = products.map((x) => x.primaryDoses);
  // Without a policy (a database from before the area): the series lengths of domain.md §7.
  if (!codes.length) return { codes: Object.keys(DEFAULT_SERIES), doses: Object.values(DEFAULT_SERIES) };
  return { codes, doses };
}

/** SQL for the day a person born on `b` reaches `years` (29 February birthdays on 1 March in other years, as schedule.ts birthdayAt). */
export const birthdaySql = (b: string, years: string) =>
  `(CASE WHEN extract(month FROM ${b}) = 2 AND extract(day FROM ${b}) = 29 AND extract(day FROM (${b} + make_interval(years => ${years}))) = 28
         THEN (${b} + make_interval(years => ${years}))::date + 1 ELSE (${b} + make_interval(years => ${years}))::date END)`;

/** The groups with their ages, as SQL VALUES (lo null: everyone; hi null: no upper limit). */
export const GROUPS_SQL = `(VALUES ('all', NULL::int, NULL::int), ${Object.entries(AGE_BOUNDS)
  .map(([g, b]) => `('${g}', ${b.min}, ${b.below ?? 'NULL'})`)
  .join(', ')}) AS g(grp, lo, hi)`;

/**
 * Per person of the communes `$2` (codes): birth date and the days of each measure. $1 province,
 * $3 product codes, $4 their primary doses. Meant as the body of a CTE.
 */
export const PERSON_DATES_SQL = `
  SELECT p.id, p.commune_code, c.path AS commune_path, p.village_code, p.birth_date AS b, x.f, x.s, x.s2,
         x.prim[(SELECT n FROM unnest($3::text[], $4::int[]) AS k(code, n) WHERE k.code = x.first_product)] AS fu
    FROM admin_unit c
    -- The commune's people by a range of the unit index (paths are COLLATE "C"; '0' follows '/').
    CROSS JOIN LATERAL (
      SELECT p.* FROM person p
       WHERE p.province_code = c.province_code AND p.unit_path >= c.path::text AND p.unit_path < (left(c.path, -1) || '0')::text AND p.commune_code = c.code
       OFFSET 0
    ) p
    LEFT JOIN LATERAL (
      SELECT min(d.given_on) AS f,
             min(d.given_on) FILTER (WHERE d.dose_kind IN ('booster_1', 'booster_2')) AS s,
             max(d.given_on) FILTER (WHERE d.dose_kind = 'booster_2') AS s2,
             (array_agg(d.product_code ORDER BY d.dose_kind) FILTER (WHERE d.dose_kind LIKE 'primary%'))[1] AS first_product,
             array_agg(d.given_on ORDER BY d.dose_kind) FILTER (WHERE d.dose_kind LIKE 'primary%') AS prim
        FROM vaccine_dose d WHERE d.province_code = p.province_code AND d.person_id = p.id
    ) x ON true
   WHERE c.province_code = $1 AND c.code = ANY($2::text[])`;

/**
 * PERSON_DATES_SQL for every commune of a province at once (a rebuild): the doses aggregated per
 * person in one ordered pass over the dose key's index (it carries kind, product and date), joined
 * to the people by hash, instead of one index lookup per person.
 */
const PERSON_DATES_WHOLE_SQL = `
  SELECT p.id, p.commune_code, c.path AS commune_path, p.village_code, p.birth_date AS b, x.f, x.s, x.s2,
         x.prim[(SELECT n FROM unnest($3::text[], $4::int[]) AS k(code, n) WHERE k.code = x.first_product)] AS fu
    FROM admin_unit c
    JOIN person p ON p.province_code = c.province_code AND p.commune_code = c.code
                 AND p.unit_path >= c.path::text AND p.unit_path < (left(c.path, -1) || '0')::text
    LEFT JOIN (
      SELECT d.person_id,
             min(d.given_on) AS f,
             min(d.given_on) FILTER (WHERE d.dose_kind IN ('booster_1', 'booster_2')) AS s,
             max(d.given_on) FILTER (WHERE d.dose_kind = 'booster_2') AS s2,
             (array_agg(d.product_code ORDER BY d.dose_kind) FILTER (WHERE d.dose_kind LIKE 'primary%'))[1] AS first_product,
             array_agg(d.given_on ORDER BY d.dose_kind) FILTER (WHERE d.dose_kind LIKE 'primary%') AS prim
        FROM vaccine_dose d WHERE d.province_code = $1
       GROUP BY d.person_id
    ) x ON x.person_id = p.id
   WHERE c.province_code = $1 AND c.level = 'commune' AND c.code = ANY($2::text[])`;

/**
 * Recomputes the rows of these communes from `fromDay` on ($5) to the horizon ($6). Rows before
 * `fromDay` stay: they describe days nothing has changed on.
 */
async function recompute(q: Queryable, provinceCode: string, communeCodes: string[], fromDay: string, horizon: string, products: { codes: string[]; doses: number[] }, whole = false) {
  const en = `CASE WHEN g.lo IS NULL THEN coalesce(pp.b, '-infinity'::date) ELSE ${birthdaySql('pp.b', 'g.lo')} END`;
  const lv = `CASE WHEN g.hi IS NULL THEN 'infinity'::date ELSE ${birthdaySql('pp.b', 'g.hi')} END`;
  const starts = (x: string, col: number) => {
    const vals = [0, 0, 0, 0].map((_, i) => (i === col ? 'count(*)' : '0')).join(', ');
    return `SELECT commune_code, grp, greatest(${x}, $5::date), 0, ${vals} FROM pg WHERE ${x} > en AND ${x} < lv AND ${x} <= $6::date GROUP BY 1, 2, 3`;
  };
  await lockFacts(q, provinceCode, communeCodes);
  await q.query(`DELETE FROM vaccination_coverage_daily WHERE province_code = $1 AND commune_code = ANY($2::text[]) AND day >= $3::date`, [provinceCode, communeCodes, fromDay]);
  await q.query(
    `WITH pp AS MATERIALIZED (${whole ? PERSON_DATES_WHOLE_SQL : PERSON_DATES_SQL}),
     pg AS MATERIALIZED (
       SELECT * FROM (SELECT pp.commune_code, g.grp, ${en} AS en, ${lv} AS lv, pp.f, pp.fu, pp.s, pp.s2 FROM pp JOIN ${GROUPS_SQL} ON g.lo IS NULL OR pp.b IS NOT NULL) t
        WHERE lv > $5::date AND en <= $6::date
     ),
     ev(commune_code, grp, day, dp, d1, dfu, ds, ds2) AS (
       SELECT commune_code, grp, greatest(en, $5::date), count(*), count(*) FILTER (WHERE f <= en), count(*) FILTER (WHERE fu <= en), count(*) FILTER (WHERE s <= en), count(*) FILTER (WHERE s2 <= en)
         FROM pg GROUP BY 1, 2, 3
       UNION ALL
       SELECT commune_code, grp, lv, -count(*), -count(*) FILTER (WHERE f < lv), -count(*) FILTER (WHERE fu < lv), -count(*) FILTER (WHERE s < lv), -count(*) FILTER (WHERE s2 < lv)
         FROM pg WHERE lv <= $6::date GROUP BY 1, 2, 3
       UNION ALL ${starts('f', 0)}
       UNION ALL ${starts('fu', 1)}
       UNION ALL ${starts('s', 2)}
       UNION ALL ${starts('s2', 3)}
       UNION ALL
       SELECT c.code, g.grp, d.day, 0, 0, 0, 0, 0 FROM admin_unit c CROSS JOIN ${GROUPS_SQL} CROSS JOIN (VALUES ($5::date), ($6::date)) AS d(day)
        WHERE c.province_code = $1 AND c.code = ANY($2::text[])
     ),
     daily AS (SELECT commune_code, grp, day, sum(dp) AS dp, sum(d1) AS d1, sum(dfu) AS dfu, sum(ds) AS ds, sum(ds2) AS ds2 FROM ev GROUP BY 1, 2, 3)
     INSERT INTO vaccination_coverage_daily (province_code, commune_code, age_group, day, unit_path, population, at_least_one, fully, booster, booster_2)
     SELECT $1, d.commune_code, d.grp, d.day, c.path,
            sum(dp) OVER w, sum(d1) OVER w, sum(dfu) OVER w, sum(ds) OVER w, sum(ds2) OVER w
       FROM daily d JOIN admin_unit c ON c.province_code = $1 AND c.code = d.commune_code
     WINDOW w AS (PARTITION BY d.commune_code, d.grp ORDER BY d.day)`,
    [provinceCode, communeCodes, products.codes, products.doses, fromDay, horizon],
  );
}

/**
 * One writer of a commune's facts at a time (dose writes, imports, the horizon's extension): two
 * recomputations of one commune would otherwise both insert its rows. The communes are locked in
 * code order in one statement (so two writers of overlapping communes cannot deadlock), held to the
 * commit; writes in different communes go side by side.
 */
async function lockFacts(q: Queryable, provinceCode: string, communeCodes: string[]) {
  await q.query(
    `SELECT count(pg_advisory_xact_lock(hashtext('vaccination_coverage:' || $1 || ':' || c))) FROM (SELECT DISTINCT unnest($2::text[]) AS c ORDER BY 1) x`,
    [provinceCode, communeCodes],
  );
  // The statements are planned as costly (a commune's people × groups) but run in tens of
  // milliseconds: compiling them (JIT) took longer than running them.
  await q.query(`SET LOCAL jit = off`);
}

const horizonOf = (today: string) => addDays(today, COVERAGE_HORIZON_DAYS);

/**
 * Recomputes the coverage facts of these communes from `fromDay` on, after doses were written
 * (in the same transaction as the write). Codes that are not communes of the province are ignored.
 */
export async function refreshCoverage(q: Queryable, provinceCode: string, communeCodes: string[], fromDay: string): Promise<void> {
  const codes = [...new Set(communeCodes)].filter(Boolean);
  if (!codes.length) return;
  await lockFacts(q, provinceCode, codes);
  const today = todayInVietnam();
  const horizon = horizonOf(today);
  let from = fromDay < COVERAGE_START ? COVERAGE_START : fromDay;
  if (from > horizon) from = horizon;
  // A commune that has no facts yet (or ends before `from`) is computed from the start.
  const known = await q.query<{ code: string; last: string }>(
    `SELECT commune_code AS code, max(day)::text AS last FROM vaccination_coverage_daily WHERE province_code = $1 AND commune_code = ANY($2::text[]) AND age_group = 'all' GROUP BY 1`,
    [provinceCode, codes],
  );
  const last = new Map(known.rows.map((r) => [r.code, String(r.last).slice(0, 10)]));
  const fresh = codes.filter((c) => (last.get(c) ?? '') >= from);
  const stale = codes.filter((c) => (last.get(c) ?? '') < from);
  const products = await primaryDosesByProduct(q, provinceCode, today);
  if (fresh.length) await recompute(q, provinceCode, fresh, from, horizon, products);
  for (const c of stale) await recompute(q, provinceCode, [c], last.get(c) ?? COVERAGE_START, horizon, products);
  await refreshLotFacts(q, provinceCode, codes);
}

/** The communes of a province, in path order (for chunked rebuilds). */
async function communesOf(q: Queryable, provinceCode: string): Promise<string[]> {
  const r = await q.query<{ code: string }>(`SELECT code FROM admin_unit WHERE province_code = $1 AND level = 'commune' ORDER BY path`, [provinceCode]);
  return r.rows.map((x) => x.code);
}

/** Rebuilds every commune's facts from the doses and the registry (after a people import, a restore). */
export async function rebuildCoverage(q: Queryable, provinceCode: string, opts: { chunk?: number; whole?: boolean; onProgress?: (done: number, total: number) => void } = {}) {
  const codes = await communesOf(q, provinceCode);
  await lockFacts(q, provinceCode, codes);
  const today = todayInVietnam();
  const products = await primaryDosesByProduct(q, provinceCode, today);
  await q.query(`DELETE FROM vaccination_coverage_daily WHERE province_code = $1 AND NOT (commune_code = ANY($2::text[]))`, [provinceCode, codes]);
  if (opts.whole) {
    // Every commune in one statement (the doses aggregated in one pass), with memory for its hashes.
    await q.query(`SET LOCAL work_mem = '256MB'`);
    await recompute(q, provinceCode, codes, COVERAGE_START, horizonOf(today), products, true);
    opts.onProgress?.(codes.length, codes.length);
  }
  const chunk = opts.chunk ?? 20;
  for (let i = 0; !opts.whole && i < codes.length; i += chunk) {
    await recompute(q, provinceCode, codes.slice(i, i + chunk), COVERAGE_START, horizonOf(today), products);
    opts.onProgress?.(Math.min(codes.length, i + chunk), codes.length);
  }
  await rebuildLotFacts(q, provinceCode);
  return { communes: codes.length };
}

/**
 * Moves the horizon of the communes whose facts end within COVERAGE_EXTEND_WITHIN_DAYS of today
 * (or have none): run at start and daily, so birthdays keep moving people between groups.
 */
export async function extendCoverage(q: Queryable, provinceCode: string): Promise<number> {
  const today = todayInVietnam();
  const r = await q.query<{ code: string; last: string | null }>(
    `SELECT c.code, (SELECT max(f.day)::text FROM vaccination_coverage_daily f WHERE f.province_code = c.province_code AND f.commune_code = c.code AND f.age_group = 'all') AS last
       FROM admin_unit c WHERE c.province_code = $1 AND c.level = 'commune'`,
    [provinceCode],
  );
  const limit = addDays(today, COVERAGE_EXTEND_WITHIN_DAYS);
  const due = r.rows.filter((x) => x.last == null || String(x.last).slice(0, 10) < limit);
  if (!due.length) return 0;
  const byFrom = new Map<string, string[]>();
  for (const d of due) {
    const from = d.last == null ? COVERAGE_START : String(d.last).slice(0, 10);
    byFrom.set(from, [...(byFrom.get(from) ?? []), d.code]);
  }
  await lockFacts(q, provinceCode, due.map((d) => d.code));
  const products = await primaryDosesByProduct(q, provinceCode, today);
  for (const [from, codes] of byFrom) {
    for (let i = 0; i < codes.length; i += 20) await recompute(q, provinceCode, codes.slice(i, i + 20), from, horizonOf(today), products);
  }
  return due.length;
}
