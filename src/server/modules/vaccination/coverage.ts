// Coverage reads: a unit and its children by age group and dose on a date (from the daily facts;
// villages and priority groups counted from the registry, as they are small), and the service the
// epidemic-level engine reads (issue 7).
import type { Queryable } from '../../db/index.ts';
import type { Scope } from '../units/store.ts';
import { COVERAGE_GROUPS, COVERAGE_START, emptyCounts, percent, type CoverageCounts, type CoverageGroup } from '../../../domain/vaccination/coverage.ts';
import { PRIORITY_GROUPS } from '../../../domain/vaccination/types.ts';
import { birthdaySql, GROUPS_SQL, PERSON_DATES_SQL, primaryDosesByProduct } from './coverageFacts.ts';

export type GroupCounts = Record<CoverageGroup, CoverageCounts>;

const emptyGroups = (): GroupCounts => Object.fromEntries(COVERAGE_GROUPS.map((g) => [g, emptyCounts()])) as GroupCounts;

interface FactRow {
  key: string;
  grp: CoverageGroup;
  population: number;
  at_least_one: number;
  fully: number;
  booster: number;
  booster_2: number;
}

function fold(rows: FactRow[]): Map<string, GroupCounts> {
  const out = new Map<string, GroupCounts>();
  for (const r of rows) {
    let g = out.get(r.key);
    if (!g) out.set(r.key, (g = emptyGroups()));
    const c = g[r.grp];
    if (!c) continue;
    c.population += Number(r.population);
    c.atLeastOne += Number(r.at_least_one);
    c.fully += Number(r.fully);
    c.booster += Number(r.booster);
    c.booster2 += Number(r.booster_2);
  }
  return out;
}

/**
 * Facts on a day for the communes under each of `paths` (keyed by the path), summed. One index
 * probe per commune and group: the latest change point on or before the day.
 */
export async function factsUnder(q: Queryable, provinceCode: string, paths: string[], day: string): Promise<Map<string, GroupCounts>> {
  if (!paths.length) return new Map();
  const r = await q.query<FactRow>(
    `SELECT k.path AS key, g.grp, sum(f.population)::int AS population, sum(f.at_least_one)::int AS at_least_one, sum(f.fully)::int AS fully,
            sum(f.booster)::int AS booster, sum(f.booster_2)::int AS booster_2
       FROM unnest($2::text[]) AS k(path)
       JOIN admin_unit c ON c.province_code = $1 AND c.level = 'commune' AND c.path LIKE k.path || '%'
       CROSS JOIN unnest($4::text[]) AS g(grp)
       JOIN LATERAL (
         SELECT population, at_least_one, fully, booster, booster_2 FROM vaccination_coverage_daily f
          WHERE f.province_code = $1 AND f.commune_code = c.code AND f.age_group = g.grp AND f.day <= $3::date
          ORDER BY f.day DESC LIMIT 1
       ) f ON true
      GROUP BY 1, 2`,
    [provinceCode, paths, day, [...COVERAGE_GROUPS]],
  );
  const out = fold(r.rows);
  for (const p of paths) if (!out.has(p)) out.set(p, emptyGroups());
  return out;
}

/** Whether one SQL condition holds for "person pp is in group g on $day" (pp.b birth date). */
const inGroupSql = (day: string) =>
  `(CASE WHEN g.lo IS NULL THEN (pp.b IS NULL OR pp.b <= ${day}) ELSE pp.b IS NOT NULL AND ${birthdaySql('pp.b', 'g.lo')} <= ${day} AND (g.hi IS NULL OR ${birthdaySql('pp.b', 'g.hi')} > ${day}) END)`;

/** Coverage of a commune's villages on a day, counted from the registry (people without a village under ''). */
export async function villageCoverage(q: Queryable, provinceCode: string, communeCode: string, day: string): Promise<Map<string, GroupCounts>> {
  const products = await primaryDosesByProduct(q, provinceCode);
  const r = await q.query<FactRow>(
    `WITH pp AS (${PERSON_DATES_SQL})
     SELECT coalesce(pp.village_code, '') AS key, g.grp, count(*)::int AS population,
            count(*) FILTER (WHERE pp.f <= $5::date)::int AS at_least_one, count(*) FILTER (WHERE pp.fu <= $5::date)::int AS fully,
            count(*) FILTER (WHERE pp.s <= $5::date)::int AS booster, count(*) FILTER (WHERE pp.s2 <= $5::date)::int AS booster_2
       FROM pp CROSS JOIN ${GROUPS_SQL}
      WHERE ${inGroupSql('$5::date')}
      GROUP BY 1, 2`,
    [provinceCode, [communeCode], products.codes, products.doses, day],
  );
  return fold(r.rows);
}

/** Coverage by priority group (Resolution 21) of the people in a unit on a day, any age, from their profiles. */
export async function priorityCoverage(q: Queryable, provinceCode: string, path: string, day: string): Promise<Record<string, CoverageCounts>> {
  const products = await primaryDosesByProduct(q, provinceCode);
  const r = await q.query<FactRow>(
    `WITH pp AS (
       SELECT vp.priority_group, p.birth_date AS b, x.f, x.s, x.s2,
              x.prim[(SELECT n FROM unnest($3::text[], $4::int[]) AS k(code, n) WHERE k.code = x.first_product)] AS fu
         FROM vaccination_profile vp
         JOIN person p ON p.province_code = vp.province_code AND p.id = vp.person_id
         LEFT JOIN LATERAL (
           SELECT min(d.given_on) AS f, min(d.given_on) FILTER (WHERE d.dose_kind IN ('booster_1', 'booster_2')) AS s,
                  max(d.given_on) FILTER (WHERE d.dose_kind = 'booster_2') AS s2,
                  (array_agg(d.product_code ORDER BY d.dose_kind) FILTER (WHERE d.dose_kind LIKE 'primary%'))[1] AS first_product,
                  array_agg(d.given_on ORDER BY d.dose_kind) FILTER (WHERE d.dose_kind LIKE 'primary%') AS prim
             FROM vaccine_dose d WHERE d.province_code = p.province_code AND d.person_id = p.id
         ) x ON true
        WHERE vp.province_code = $1 AND vp.priority_group IS NOT NULL AND p.unit_path LIKE $2 || '%' AND (p.birth_date IS NULL OR p.birth_date <= $5::date)
     )
     SELECT priority_group AS key, 'all' AS grp, count(*)::int AS population,
            count(*) FILTER (WHERE f <= $5::date)::int AS at_least_one, count(*) FILTER (WHERE fu <= $5::date)::int AS fully,
            count(*) FILTER (WHERE s <= $5::date)::int AS booster, count(*) FILTER (WHERE s2 <= $5::date)::int AS booster_2
       FROM pp GROUP BY 1`,
    [provinceCode, path, products.codes, products.doses, day],
  );
  const folded = fold(r.rows);
  return Object.fromEntries(PRIORITY_GROUPS.map((g) => [g, folded.get(g)?.all ?? emptyCounts()]));
}

/** What the epidemic-level engine reads for a unit on a day (percentages with one decimal; null when the group is empty). */
export interface LevelCoverage {
  unitCode: string;
  adults18AtLeastOnePct: number | null;
  adults18FullyPct: number | null;
  over50FullyPct: number | null;
  over65FullyPct: number | null;
  over65AtLeastOnePct: number | null;
  adults18BoosterPct: number | null;
  /** The whole population (every age) with a complete primary series. */
  populationFullyPct: number | null;
  population18: number;
  population50: number;
  population65: number;
}

/**
 * Coverage for the level engine (issue 7): for each unit (province, district, commune or village)
 * on a day, the shares of people 18+ with at least one dose, 50+ and 65+ fully vaccinated, and more.
 * Units not in the province are left out of the answer.
 */
export async function coverageForLevels(q: Queryable, provinceCode: string, unitCodes: string[], day: string): Promise<Record<string, LevelCoverage>> {
  const units = await q.query<{ code: string; path: string; level: string; parent_code: string | null }>(
    `SELECT code, path, level, parent_code FROM admin_unit WHERE province_code = $1 AND code = ANY($2::text[])`,
    [provinceCode, [...new Set(unitCodes)]],
  );
  const above = units.rows.filter((u) => u.level !== 'village');
  const facts = await factsUnder(q, provinceCode, above.map((u) => u.path), day);
  const counts = new Map<string, GroupCounts>();
  for (const u of above) counts.set(u.code, facts.get(u.path)!);
  const byCommune = new Map<string, string[]>();
  for (const v of units.rows.filter((u) => u.level === 'village' && u.parent_code)) byCommune.set(v.parent_code!, [...(byCommune.get(v.parent_code!) ?? []), v.code]);
  for (const [commune, villages] of byCommune) {
    const vc = await villageCoverage(q, provinceCode, commune, day);
    for (const v of villages) counts.set(v, vc.get(v) ?? emptyGroups());
  }
  const out: Record<string, LevelCoverage> = {};
  for (const [code, g] of counts) {
    out[code] = {
      unitCode: code,
      adults18AtLeastOnePct: percent(g['18+'].atLeastOne, g['18+'].population),
      adults18FullyPct: percent(g['18+'].fully, g['18+'].population),
      over50FullyPct: percent(g['50+'].fully, g['50+'].population),
      over65FullyPct: percent(g['65+'].fully, g['65+'].population),
      over65AtLeastOnePct: percent(g['65+'].atLeastOne, g['65+'].population),
      adults18BoosterPct: percent(g['18+'].booster, g['18+'].population),
      populationFullyPct: percent(g.all.fully, g.all.population),
      population18: g['18+'].population,
      population50: g['50+'].population,
      population65: g['65+'].population,
    };
  }
  return out;
}

export interface CoverageReport {
  day: string;
  unit: { code: string; name: string; level: string; groups: GroupCounts };
  children: { code: string; name: string; level: string; groups: GroupCounts }[];
  priority: Record<string, CoverageCounts> | null;
}

/** A unit in the caller's jurisdiction on a day, with its children (districts, communes or villages). */
export async function coverageReport(q: Queryable, scope: Scope, unit: { code: string; name: string; level: string; path: string }, day: string, withPriority: boolean): Promise<CoverageReport> {
  const kids = await q.query<{ code: string; name: string; level: string; path: string }>(
    `SELECT code, name, level, path FROM admin_unit WHERE province_code = $1 AND parent_code = $2 AND path LIKE $3 || '%' ORDER BY path`,
    [scope.provinceCode, unit.code, scope.path],
  );
  let unitGroups: GroupCounts;
  let children: CoverageReport['children'];
  if (unit.level === 'commune' || unit.level === 'village') {
    const communeCode = unit.level === 'commune' ? unit.code : unit.path.split('/').filter(Boolean).at(-2)!;
    const vc = await villageCoverage(q, scope.provinceCode, communeCode, day);
    if (unit.level === 'commune') {
      unitGroups = (await factsUnder(q, scope.provinceCode, [unit.path], day)).get(unit.path)!;
      children = kids.rows.map((k) => ({ code: k.code, name: k.name, level: k.level, groups: vc.get(k.code) ?? emptyGroups() }));
    } else {
      unitGroups = vc.get(unit.code) ?? emptyGroups();
      children = [];
    }
  } else {
    const facts = await factsUnder(q, scope.provinceCode, [unit.path, ...kids.rows.map((k) => k.path)], day);
    unitGroups = facts.get(unit.path)!;
    children = kids.rows.map((k) => ({ code: k.code, name: k.name, level: k.level, groups: facts.get(k.path)! }));
  }
  const collator = new Intl.Collator('vi');
  children.sort((a, b) => collator.compare(a.name, b.name));
  return {
    day,
    unit: { code: unit.code, name: unit.name, level: unit.level, groups: unitGroups },
    children,
    priority: withPriority ? await priorityCoverage(q, scope.provinceCode, unit.path, day) : null,
  };
}

/** The last day of each of the `months` − 1 months before `day`'s month, then `day` (not before the facts start). */
export function trendDays(day: string, months: number, start: string): string[] {
  const [y, m] = day.split('-').map(Number);
  const out: string[] = [];
  for (let i = months - 1; i >= 1; i--) {
    const end = new Date(Date.UTC(y, m - 1 - i + 1, 0)).toISOString().slice(0, 10);
    if (end >= start) out.push(end);
  }
  out.push(day);
  return out;
}

/** Coverage of a unit at month ends up to a day (one point per day, the day last). */
export async function coverageTrend(q: Queryable, scope: Scope, unit: { code: string; level: string; path: string }, day: string, months: number) {
  const points: { day: string; groups: GroupCounts }[] = [];
  for (const d of trendDays(day, months, COVERAGE_START)) {
    if (unit.level === 'village') {
      const communeCode = unit.path.split('/').filter(Boolean).at(-2)!;
      points.push({ day: d, groups: (await villageCoverage(q, scope.provinceCode, communeCode, d)).get(unit.code) ?? emptyGroups() });
    } else points.push({ day: d, groups: (await factsUnder(q, scope.provinceCode, [unit.path], d)).get(unit.path)! });
  }
  return points;
}
