// Daily facts per unit for the level engine (docs/levels.md): population, new community cases and
// cases found in quarantine (by report date), cases needing oxygen, deaths (by date of death),
// coverage (from the vaccination coverage service; inputs entered by hand where the registry has
// no dose), for every unit of the province and every day of a range. Built from the raw rows with
// a few set-based statements per range; days still changing are rebuilt when read stale.
import type { Db, Queryable } from '../../db/index.ts';
import { coverageForLevels } from '../vaccination/coverage.ts';
import { todayInVietnam } from '../imports/service.ts';

/** Severities that count as "needing oxygen" (criterion 1b of Decision 218): severe and critical (domain.md §3.2). */
export const OXYGEN_SEVERITIES = ['severe', 'critical'];
/** Days back from today whose facts are still changing (late reports, outcomes): rebuilt when stale. */
export const RECENT_DAYS = 14;
/** A recent day built longer ago than this is rebuilt on read even without a case change (coverage, manual inputs). */
export const STALE_MS = 10 * 60_000;

export const addDays = (day: string, n: number) => {
  const d = new Date(day + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

export interface RebuildResult {
  from: string;
  to: string;
  days: number;
  rows: number;
  ms: { cases: number; coverage: number; manual: number };
}

/** Rebuild the facts of every unit for the days from..to (inclusive), in the caller's transaction. */
export async function rebuildFacts(q: Queryable, provinceCode: string, from: string, to: string): Promise<RebuildResult> {
  await q.query('SELECT pg_advisory_xact_lock(hashtext($1))', [provinceCode + ':level_fact']);
  let t0 = performance.now();
  await q.query('DELETE FROM level_fact WHERE province_code = $1 AND day BETWEEN $2::date AND $3::date', [provinceCode, from, to]);
  // Each case counts for every unit on its residence path (the path is the chain of unit codes).
  const ins = await q.query(
    `WITH ev AS (
       SELECT unit_path, report_date AS day, (detected_in = 'community')::int AS cc, (detected_in = 'quarantine')::int AS qc,
              (severity = ANY($4::text[]))::int AS ox, 0 AS dd
         FROM case_record WHERE province_code = $1 AND report_date BETWEEN $2::date AND $3::date AND status <> 'discarded'
       UNION ALL
       SELECT unit_path, outcome_date, 0, 0, 0, 1
         FROM case_record WHERE province_code = $1 AND status = 'died' AND outcome_date BETWEEN $2::date AND $3::date
     ), g AS (
       SELECT unit_path, day, sum(cc) AS cc, sum(qc) AS qc, sum(ox) AS ox, sum(dd) AS dd FROM ev GROUP BY 1, 2
     ), a AS (
       SELECT code, day, sum(cc)::int AS cc, sum(qc)::int AS qc, sum(ox)::int AS ox, sum(dd)::int AS dd
         FROM g CROSS JOIN LATERAL unnest(string_to_array(rtrim(g.unit_path, '/'), '/')) AS code GROUP BY 1, 2
     )
     INSERT INTO level_fact (province_code, day, unit_code, unit_path, population, community_cases, quarantine_cases, oxygen_cases, deaths)
     SELECT $1, d.day::date, u.code, u.path, u.population, coalesce(a.cc, 0), coalesce(a.qc, 0), coalesce(a.ox, 0), coalesce(a.dd, 0)
       FROM admin_unit u
       CROSS JOIN generate_series($2::date, $3::date, interval '1 day') AS d(day)
       LEFT JOIN a ON a.code = u.code AND a.day = d.day::date
      WHERE u.province_code = $1`,
    [provinceCode, from, to, OXYGEN_SEVERITIES],
  );
  // The rows just written change the table's statistics a lot (a first build): plans of the updates below depend on them.
  if ((ins.rowCount ?? 0) > 20_000) await q.query('ANALYZE level_fact');
  const tCases = performance.now() - t0;

  // Coverage from the registry (vaccination area) for provinces, districts and communes; a village
  // reads its commune's (marked 'parent') unless an input was entered by hand for it.
  t0 = performance.now();
  const units = await q.query<{ code: string; level: string; population: number }>(
    `SELECT code, level, population FROM admin_unit WHERE province_code = $1 AND level <> 'village'`,
    [provinceCode],
  );
  const codes = units.rows.map((u) => u.code);
  for (let day = from; day <= to; day = addDays(day, 1)) {
    const cov = await coverageForLevels(q, provinceCode, codes, day);
    const rows = Object.values(cov).filter((c) => (c.adults18AtLeastOnePct ?? 0) > 0);
    if (!rows.length) continue;
    // The whole population fully vaccinated: every age, from the facts' group of everyone.
    const all = rows.map((c) => c.populationFullyPct);
    await q.query(
      `UPDATE level_fact f SET cov_first18 = x.first18, cov_full18 = x.full18, cov_full50 = x.full50, cov_full65 = x.full65, cov_full_all = x.fullall, coverage_source = 'registry'
         FROM unnest($3::text[], $4::numeric[], $5::numeric[], $6::numeric[], $7::numeric[], $8::numeric[]) AS x(code, first18, full18, full50, full65, fullall)
        WHERE f.province_code = $1 AND f.day = $2::date AND f.unit_code = x.code`,
      [provinceCode, day, rows.map((c) => c.unitCode), rows.map((c) => c.adults18AtLeastOnePct), rows.map((c) => c.adults18FullyPct), rows.map((c) => c.over50FullyPct), rows.map((c) => c.over65FullyPct), all],
    );
  }
  const tCoverage = performance.now() - t0;

  t0 = performance.now();
  const present = await q.query<{ manual: boolean; villages: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM level_manual_input WHERE province_code = $1 AND day <= $2::date) AS manual,
            EXISTS (SELECT 1 FROM admin_unit WHERE province_code = $1 AND level = 'village') AS villages`,
    [provinceCode, to],
  );
  const { manual, villages } = present.rows[0];
  // Case figures entered by hand replace the registry's for that unit and day.
  if (manual) await q.query(
    `UPDATE level_fact f SET
        community_cases = coalesce(m.community_cases, f.community_cases), quarantine_cases = coalesce(m.quarantine_cases, f.quarantine_cases),
        oxygen_cases = coalesce(m.oxygen_cases, f.oxygen_cases), deaths = coalesce(m.deaths, f.deaths),
        manual_fields = array_remove(ARRAY[
          CASE WHEN m.community_cases IS NOT NULL THEN 'communityCases' END, CASE WHEN m.quarantine_cases IS NOT NULL THEN 'quarantineCases' END,
          CASE WHEN m.oxygen_cases IS NOT NULL THEN 'oxygenCases' END, CASE WHEN m.deaths IS NOT NULL THEN 'deaths' END], NULL)
       FROM level_manual_input m
      WHERE m.province_code = $1 AND m.day BETWEEN $2::date AND $3::date AND f.province_code = m.province_code AND f.unit_code = m.unit_code AND f.day = m.day
        AND (m.community_cases IS NOT NULL OR m.quarantine_cases IS NOT NULL OR m.oxygen_cases IS NOT NULL OR m.deaths IS NOT NULL)`,
    [provinceCode, from, to],
  );
  // Coverage entered by hand (the latest entry on or before the day) where the registry has no dose.
  if (manual) await q.query(
    `UPDATE level_fact f SET cov_first18 = m.cov_first18, cov_full50 = m.cov_full50, cov_full65 = m.cov_full65, cov_full_all = m.cov_full_all, cov_full18 = NULL,
            coverage_source = 'manual', manual_fields = f.manual_fields || ARRAY['coverage']
       FROM (
         SELECT f2.unit_code, f2.day, mi.cov_first18, mi.cov_full50, mi.cov_full65, mi.cov_full_all
           FROM level_fact f2
           JOIN LATERAL (
             SELECT cov_first18, cov_full50, cov_full65, cov_full_all FROM level_manual_input mi
              WHERE mi.province_code = $1 AND mi.unit_code = f2.unit_code AND mi.day <= f2.day
                AND (cov_first18 IS NOT NULL OR cov_full50 IS NOT NULL OR cov_full65 IS NOT NULL OR cov_full_all IS NOT NULL)
              ORDER BY mi.day DESC LIMIT 1
           ) mi ON true
          WHERE f2.province_code = $1 AND f2.day BETWEEN $2::date AND $3::date AND f2.coverage_source IS NULL
            AND f2.unit_code IN (SELECT unit_code FROM level_manual_input WHERE province_code = $1 AND day <= $3::date
                                  AND (cov_first18 IS NOT NULL OR cov_full50 IS NOT NULL OR cov_full65 IS NOT NULL OR cov_full_all IS NOT NULL))
       ) m
      WHERE f.province_code = $1 AND f.unit_code = m.unit_code AND f.day = m.day`,
    [provinceCode, from, to],
  );
  // Villages without coverage of their own read their commune's.
  if (villages) await q.query(
    `UPDATE level_fact f SET cov_first18 = x.cov_first18, cov_full18 = x.cov_full18, cov_full50 = x.cov_full50, cov_full65 = x.cov_full65, cov_full_all = x.cov_full_all,
            coverage_source = 'parent'
       FROM (
         SELECT v.code, c.day, c.cov_first18, c.cov_full18, c.cov_full50, c.cov_full65, c.cov_full_all
           FROM level_fact c JOIN admin_unit v ON v.province_code = c.province_code AND v.parent_code = c.unit_code AND v.level = 'village'
          WHERE c.province_code = $1 AND c.day BETWEEN $2::date AND $3::date AND c.coverage_source IS NOT NULL
       ) x
      WHERE f.province_code = $1 AND f.day = x.day AND f.unit_code = x.code AND f.coverage_source IS NULL`,
    [provinceCode, from, to],
  );
  await q.query(
    `INSERT INTO level_fact_day (province_code, day, built_at) SELECT $1, d::date, now() FROM generate_series($2::date, $3::date, interval '1 day') AS d
     ON CONFLICT (province_code, day) DO UPDATE SET built_at = now()`,
    [provinceCode, from, to],
  );
  const tManual = performance.now() - t0;
  const days = Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;
  return { from, to, days, rows: ins.rowCount ?? 0, ms: { cases: Math.round(tCases), coverage: Math.round(tCoverage), manual: Math.round(tManual) } };
}

/** While the keeper runs in this process, a read rebuilds a recent day for its age only past this (the keeper's fallback). */
export const READ_STALE_MS_WITH_KEEPER = 60 * 60_000;
/** Days back from today the keeper keeps built: the dashboard's default curve (30 days, which covers the levels' window and the report's 14 days). */
export const KEEP_DAYS = 30;
let keepersRunning = 0;
/** The age past which a read rebuilds a recent day: STALE_MS, or an hour while the keeper refreshes them in the background. */
export const readMaxAgeMs = () => (keepersRunning > 0 ? READ_STALE_MS_WITH_KEEPER : STALE_MS);
/** Marks the keeper as running in this process (the levels plugin, on ready / on close). */
export function keeperStarted(running: boolean) {
  keepersRunning = Math.max(0, keepersRunning + (running ? 1 : -1));
}

export interface KeepResult {
  provinceCode: string;
  today: string;
  /** The days built or rebuilt in this pass. */
  days: string[];
  ms: number;
}

/**
 * One pass of the facts' schedule (docs/levels.md), so that no reader waits for them: for every
 * province, the days of the last KEEP_DAYS that are missing (a new day after midnight, Viet Nam
 * time; a fresh server) and the recent days that are stale (a case or an input by hand changed
 * after they were built, or built more than STALE_MS ago) are rebuilt — today first, one day per
 * transaction so other requests run between them. Reads still build what they find missing or
 * changed (the fallback).
 */
export async function keepFactsCurrent(db: Db, now = new Date()): Promise<KeepResult[]> {
  const today = todayInVietnam(now);
  const from = addDays(today, -(KEEP_DAYS - 1));
  const provinces = await db.query<{ province_code: string }>(`SELECT province_code FROM admin_unit WHERE level = 'province' ORDER BY province_code`);
  const out: KeepResult[] = [];
  for (const { province_code: pc } of provinces.rows) {
    const t0 = performance.now();
    const stale = await staleDays(db, pc, from, today, today, now, STALE_MS);
    const days: string[] = [];
    for (const d of stale.reverse()) if (await db.tx((q) => ensureFacts(q, pc, d, d, today, now, STALE_MS))) days.push(d);
    out.push({ provinceCode: pc, today, days, ms: Math.round(performance.now() - t0) });
  }
  return out;
}

/**
 * Make sure the facts of from..to exist and are current: missing days are built; days in the last
 * RECENT_DAYS before today are rebuilt when a case changed after they were built, or they are older
 * than maxAgeMs (STALE_MS; an hour while the keeper runs, as it refreshes them every minute).
 * Returns the range rebuilt, if any.
 */
export async function ensureFacts(
  q: Queryable,
  provinceCode: string,
  from: string,
  to: string,
  today: string,
  now = new Date(),
  maxAgeMs = readMaxAgeMs(),
): Promise<{ from: string; to: string } | null> {
  const stale = await staleDays(q, provinceCode, from, to, today, now, maxAgeMs);
  if (!stale.length) return null;
  // Concurrent readers of the same stale days: the first rebuilds, the others find them fresh.
  await q.query('SELECT pg_advisory_xact_lock(hashtext($1))', [provinceCode + ':level_fact']);
  const still = await staleDays(q, provinceCode, stale[0], stale[stale.length - 1], today, now, maxAgeMs);
  if (!still.length) return null;
  await rebuildFacts(q, provinceCode, still[0], still[still.length - 1]);
  return { from: still[0], to: still[still.length - 1] };
}

async function staleDays(q: Queryable, provinceCode: string, from: string, to: string, today: string, now: Date, maxAgeMs: number): Promise<string[]> {
  const built = await q.query<{ day: string; built_at: Date }>(
    `SELECT day::text AS day, built_at FROM level_fact_day WHERE province_code = $1 AND day BETWEEN $2::date AND $3::date`,
    [provinceCode, from, to],
  );
  const at = new Map(built.rows.map((r) => [r.day, new Date(r.built_at).getTime()]));
  const recentFrom = addDays(today, -RECENT_DAYS);
  let changed: number | null = null;
  if (to >= recentFrom) {
    const c = await q.query<{ at: Date | null }>(
      `SELECT greatest((SELECT max(updated_at) FROM case_record WHERE province_code = $1),
                       (SELECT max(entered_at) FROM level_manual_input WHERE province_code = $1)) AS at`,
      [provinceCode],
    );
    changed = c.rows[0]?.at ? new Date(c.rows[0].at).getTime() : 0;
  }
  const stale: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) {
    const b = at.get(d);
    if (b == null) stale.push(d);
    else if (d >= recentFrom && (b < (changed ?? 0) || now.getTime() - b > maxAgeMs)) stale.push(d);
  }
  return stale;
}
