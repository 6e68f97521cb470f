// The command dashboard (docs/dashboard.md): headline figures with their trend for a unit and a
// date, the epidemic curve by report date and by onset, the unit's children with their level,
// cases per 100,000, coverage and positivity (the map's layers), and the units whose official
// level changed. Everything is read from the areas' daily facts (level_fact, testing_daily,
// vaccination_coverage_daily) and a few indexed counts; nothing here is personal data.
import type { Queryable } from '../../db/index.ts';
import type { Scope } from '../units/store.ts';
import { addDays, ensureFacts } from '../levels/facts.ts';
import { levelsOf, type UnitLevelRow } from '../levels/service.ts';
import { badRequest } from '../../errors.ts';
import { todayInVietnam } from '../imports/service.ts';
import { parseCalendarDate } from '../../../domain/people/normalize.ts';

/** A real calendar date, not after today in Viet Nam (absent: today). */
export function checkDay(day: string | undefined, today = todayInVietnam(), field = 'date'): string {
  if (day == null) return today;
  if (parseCalendarDate(day) !== day) throw badRequest([{ field, code: 'invalid_date', message: 'Ngày không hợp lệ / invalid date' }]);
  if (day > today) throw badRequest([{ field, code: 'in_the_future', message: 'Ngày không được sau hôm nay / the date cannot be after today' }]);
  return day;
}


export interface Figure {
  /** On the date. */
  day: number;
  /** The 7 days ending on the date. */
  week: number;
  /** The 7 days before those. */
  prevWeek: number;
}

export interface UnitInfo {
  code: string;
  name: string;
  level: string;
  path: string;
  parentCode: string | null;
  population: number;
}

const n = (x: unknown) => Number(x ?? 0);

/**
 * The statements of one read, one after the other: inside a transaction there is one client, which
 * runs one query at a time anyway (pg deprecates queuing them with Promise.all).
 */
export async function inOrder<T extends unknown[]>(...steps: { [K in keyof T]: () => Promise<T[K]> }): Promise<T> {
  const out: unknown[] = [];
  for (const step of steps) out.push(await step());
  return out as T;
}
const pct = (a: number, b: number) => (b > 0 ? Math.round((1000 * a) / b) / 10 : null);

export async function unitInScope(q: Queryable, scope: Scope, code: string | undefined): Promise<UnitInfo | null> {
  const r = await q.query<UnitInfo>(
    `SELECT code, name, level, path, parent_code AS "parentCode", population FROM admin_unit
      WHERE province_code = $1 AND path LIKE $2 || '%' AND ${code ? 'code = $3' : 'path = $2'}`,
    code ? [scope.provinceCode, scope.path, code] : [scope.provinceCode, scope.path],
  );
  const u = r.rows[0];
  return u ? { ...u, population: Number(u.population) } : null;
}

type Counts = { population: number; atLeastOne: number; fully: number; booster: number; booster2: number };
type Cov = { all: Counts; '18+': Counts };

/**
 * Coverage counts (everyone and 18+) of the communes under a path on each of some days, from the
 * vaccination area's daily facts: the latest change point on or before each day, one index probe
 * per commune, group and day (two groups only, one statement).
 */
async function coverageOn(q: Queryable, provinceCode: string, path: string, days: string[]): Promise<Cov[]> {
  const r = await q.query<{ day: string; grp: 'all' | '18+'; population: number; a: number; f: number; b: number; b2: number }>(
    `SELECT d.day::text AS day, g.grp, sum(x.population)::int AS population, sum(x.at_least_one)::int AS a, sum(x.fully)::int AS f, sum(x.booster)::int AS b, sum(x.booster_2)::int AS b2
       FROM admin_unit c
       CROSS JOIN unnest($3::date[]) AS d(day)
       CROSS JOIN unnest(ARRAY['all', '18+']::text[]) AS g(grp)
       JOIN LATERAL (
         SELECT population, at_least_one, fully, booster, booster_2 FROM vaccination_coverage_daily f
          WHERE f.province_code = $1 AND f.commune_code = c.code AND f.age_group = g.grp AND f.day <= d.day
          ORDER BY f.day DESC LIMIT 1
       ) x ON true
      WHERE c.province_code = $1 AND c.level = 'commune' AND c.path LIKE $2 || '%'
      GROUP BY 1, 2`,
    [provinceCode, path, days],
  );
  const empty = (): Counts => ({ population: 0, atLeastOne: 0, fully: 0, booster: 0, booster2: 0 });
  return days.map((day) => {
    const out: Cov = { all: empty(), '18+': empty() };
    for (const x of r.rows) if (x.day === day) out[x.grp] = { population: n(x.population), atLeastOne: n(x.a), fully: n(x.f), booster: n(x.b), booster2: n(x.b2) };
    return out;
  });
}

/** The headline figures of a unit on a day (all from daily facts or indexed counts). */
export async function headline(q: Queryable, provinceCode: string, unit: UnitInfo, day: string) {
  const w0 = addDays(day, -6);
  const w1 = addDays(day, -13);
  const [facts, tests, covs, quarantine, beds] = await inOrder(
    () => q.query<{ d: string; cc: number; qc: number; ox: number; dd: number }>(
      `SELECT CASE WHEN day = $3::date THEN 'day' WHEN day >= $4::date THEN 'week' ELSE 'prev' END AS d,
              sum(community_cases)::int AS cc, sum(quarantine_cases)::int AS qc, sum(oxygen_cases)::int AS ox, sum(deaths)::int AS dd
         FROM level_fact WHERE province_code = $1 AND unit_code = $2 AND day BETWEEN $5::date AND $3::date GROUP BY 1`,
      [provinceCode, unit.code, day, w0, w1],
    ),
    () => q.query<{ d: string; specimens: number; resulted: number; positive: number }>(
      `SELECT CASE WHEN day = $3::date THEN 'day' WHEN day >= $4::date THEN 'week' ELSE 'prev' END AS d,
              sum(specimens)::int AS specimens, sum(resulted)::int AS resulted, sum(positive)::int AS positive
         FROM testing_daily WHERE province_code = $1 AND unit_path LIKE $2 || '%' AND day BETWEEN $5::date AND $3::date GROUP BY 1`,
      [provinceCode, unit.path, day, w0, w1],
    ),
    () => coverageOn(q, provinceCode, unit.path, [day, addDays(day, -1), addDays(day, -7), addDays(day, -14)]),
    () => q.query<{ kind: string; n: number; started: number }>(
      `SELECT kind, count(*)::int AS n, count(*) FILTER (WHERE start_date = $3::date)::int AS started FROM quarantine_order
        WHERE province_code = $1 AND unit_path LIKE $2 || '%' AND status <> 'cancelled' AND start_date <= $3::date
          AND coalesce(released_date, end_date) >= $3::date
        GROUP BY kind`,
      [provinceCode, unit.path, day],
    ),
    () => // The capacity register (levels): the latest entry of each unit under this one.
    bedsOf(q, provinceCode, [unit.code], day),
  );
  const fig = (pick: (r: { cc: number; qc: number; ox: number; dd: number }) => number): Figure => {
    const by = new Map(facts.rows.map((r) => [r.d, r]));
    const day_ = by.get('day');
    const week = by.get('week');
    const prev = by.get('prev');
    const d = day_ ? pick(day_) : 0;
    return { day: d, week: d + (week ? pick(week) : 0), prevWeek: prev ? pick(prev) : 0 };
  };
  const t = new Map(tests.rows.map((r) => [r.d, r]));
  const tfig = (k: 'specimens' | 'resulted' | 'positive'): Figure => {
    const d = n(t.get('day')?.[k]);
    return { day: d, week: d + n(t.get('week')?.[k]), prevWeek: n(t.get('prev')?.[k]) };
  };
  const resulted = tfig('resulted');
  const positive = tfig('positive');
  const [c, cDay, cWeek, cPrev] = covs;
  const adults = c['18+'];
  const doseSum = (g: Cov) => g.all.atLeastOne + g.all.fully + g.all.booster + g.all.booster2;
  const dosesWeek = doseSum(c) - doseSum(cWeek);
  const dosesPrev = doseSum(cWeek) - doseSum(cPrev);
  const dosesDay = doseSum(c) - doseSum(cDay);
  const qrows = new Map(quarantine.rows.map((r) => [r.kind, r]));
  const b = beds.get(unit.code);
  return {
    communityCases: fig((r) => n(r.cc)),
    quarantineCases: fig((r) => n(r.qc)),
    severeCases: fig((r) => n(r.ox)),
    deaths: fig((r) => n(r.dd)),
    tests: tfig('specimens'),
    resulted,
    positive,
    positivity: { day: pct(positive.day, resulted.day), week: pct(positive.week, resulted.week), prevWeek: pct(positive.prevWeek, resulted.prevWeek) },
    doses: { day: Math.max(0, dosesDay), week: Math.max(0, dosesWeek), prevWeek: Math.max(0, dosesPrev) },
    coverage: {
      atLeastOneAllPct: pct(c.all.atLeastOne, c.all.population),
      fullyAllPct: pct(c.all.fully, c.all.population),
      atLeastOne18Pct: pct(adults.atLeastOne, adults.population),
      fully18Pct: pct(adults.fully, adults.population),
      boosterAllPct: pct(c.all.booster, c.all.population),
    },
    inQuarantine: n(qrows.get('quarantine')?.n),
    inIsolation: n(qrows.get('isolation')?.n),
    quarantineStarted: n(qrows.get('quarantine')?.started),
    beds: b ? { total: b.total, occupied: b.occupied, vacant: b.vacant, occupancyPct: b.occupancyPct } : null,
  };
}

/** The epidemic curve of a unit: cases by report date (daily facts) and by onset date. */
export async function curve(q: Queryable, provinceCode: string, unit: UnitInfo, from: string, to: string) {
  const [byReport, byOnset] = await inOrder(
    () => q.query<{ day: string; community: number; quarantine: number; deaths: number }>(
      `SELECT day::text AS day, community_cases AS community, quarantine_cases AS quarantine, deaths FROM level_fact
        WHERE province_code = $1 AND unit_code = $2 AND day BETWEEN $3::date AND $4::date ORDER BY day`,
      [provinceCode, unit.code, from, to],
    ),
    () => // Onset lies before the report: the report dates up to 30 days after the range bound the index range.
    q.query<{ day: string; n: number }>(
      `SELECT onset_date::text AS day, count(*)::int AS n FROM case_record
        WHERE province_code = $1 AND unit_path LIKE $2 || '%' AND status <> 'discarded'
          AND report_date BETWEEN $3::date AND ($4::date + 30) AND onset_date BETWEEN $3::date AND $4::date
        GROUP BY onset_date ORDER BY onset_date`,
      [provinceCode, unit.path, from, to],
    ),
  );
  const days: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
  const rep = new Map(byReport.rows.map((r) => [r.day, r]));
  const ons = new Map(byOnset.rows.map((r) => [r.day, n(r.n)]));
  return {
    days,
    community: days.map((d) => n(rep.get(d)?.community)),
    quarantine: days.map((d) => n(rep.get(d)?.quarantine)),
    deaths: days.map((d) => n(rep.get(d)?.deaths)),
    onset: days.map((d) => ons.get(d) ?? 0),
  };
}

export interface Beds {
  /** Treatment beds entered in the capacity register (latest entry of each unit under this one). */
  total: number;
  /** Beds in use = treatment beds − vacant beds, over the units that entered their vacant beds (null: none did). */
  occupied: number | null;
  vacant: number | null;
  /** occupied / the treatment beds of those same units, in percent. */
  occupancyPct: number | null;
  /** Units whose entry counts here. */
  units: number;
}

export interface ChildRow extends UnitLevelRow {
  coverageFirstDose18Pct: number | null;
  coverageFullyAllPct: number | null;
  positivityPct: number | null;
  tests7d: number;
  /** The bed-occupancy layer: null when no unit under this one entered its beds ("chưa nhập"). */
  beds: Beds | null;
}

/**
 * Beds of some units from the capacity register on a day: the latest entry with treatment beds of
 * each unit under each one (on or before the day), summed; occupancy over the entries that also
 * have vacant beds.
 */
export async function bedsOf(q: Queryable, provinceCode: string, codes: string[], day: string): Promise<Map<string, Beds>> {
  const r = await q.query<{ code: string; beds: number; vacant: number | null; beds_v: number | null; units: number }>(
    `WITH e AS (
       SELECT DISTINCT ON (c.unit_code) u.path, c.treatment_beds, c.vacant_beds FROM level_capacity c
         JOIN admin_unit u ON u.province_code = c.province_code AND u.code = c.unit_code
        WHERE c.province_code = $1 AND c.day <= $2::date AND c.treatment_beds IS NOT NULL
        ORDER BY c.unit_code, c.day DESC)
     SELECT k.code, sum(e.treatment_beds)::int AS beds, sum(e.vacant_beds)::int AS vacant,
            sum(e.treatment_beds) FILTER (WHERE e.vacant_beds IS NOT NULL)::int AS beds_v, count(*)::int AS units
       FROM admin_unit k JOIN e ON e.path LIKE k.path || '%'
      WHERE k.province_code = $1 AND k.code = ANY($3::text[])
      GROUP BY k.code`,
    [provinceCode, day, codes],
  );
  const out = new Map<string, Beds>();
  for (const x of r.rows) {
    const total = n(x.beds);
    const withVacant = x.beds_v == null ? null : n(x.beds_v);
    const occupied = withVacant == null || x.vacant == null ? null : Math.max(0, withVacant - n(x.vacant));
    out.set(x.code, { total, occupied, vacant: x.vacant == null ? null : n(x.vacant), occupancyPct: occupied == null || !withVacant ? null : pct(occupied, withVacant), units: n(x.units) });
  }
  return out;
}

/** The unit's children with the map's layers: level, cases per 100,000 (7 days), coverage, positivity (7 days). */
export async function children(q: Queryable, scope: Scope, unit: UnitInfo, day: string, today: string) {
  const lv = await levelsOf(q, scope, unit.code, day, today);
  if (!lv) return null;
  const codes = lv.children.map((c) => c.code);
  const [cov, pos, beds] = await inOrder(
    () => q.query<{ unit_code: string; c18: number | null; call: number | null }>(
      `SELECT unit_code, cov_first18::float AS c18, cov_full_all::float AS call FROM level_fact WHERE province_code = $1 AND day = $2::date AND unit_code = ANY($3::text[])`,
      [scope.provinceCode, day, codes],
    ),
    () => q.query<{ code: string; resulted: number; positive: number; specimens: number }>(
      `SELECT u.code, coalesce(sum(d.resulted), 0)::int AS resulted, coalesce(sum(d.positive), 0)::int AS positive, coalesce(sum(d.specimens), 0)::int AS specimens
         FROM admin_unit u JOIN testing_daily d ON d.province_code = u.province_code AND d.unit_path LIKE u.path || '%' AND d.day BETWEEN $3::date AND $2::date
        WHERE u.province_code = $1 AND u.code = ANY($4::text[]) GROUP BY u.code`,
      [scope.provinceCode, day, addDays(day, -6), codes],
    ),
    () => bedsOf(q, scope.provinceCode, codes, day),
  );
  const c = new Map(cov.rows.map((r) => [r.unit_code, r]));
  const p = new Map(pos.rows.map((r) => [r.code, r]));
  const rows: ChildRow[] = lv.children.map((x) => ({
    ...x,
    coverageFirstDose18Pct: c.get(x.code)?.c18 ?? null,
    coverageFullyAllPct: c.get(x.code)?.call ?? null,
    positivityPct: p.has(x.code) ? pct(n(p.get(x.code)!.positive), n(p.get(x.code)!.resulted)) : null,
    tests7d: n(p.get(x.code)?.specimens),
    beds: beds.get(x.code) ?? null,
  }));
  return { ruleset: lv.ruleset, self: lv.unit, children: rows };
}

export interface CaseCheck {
  code: string;
  /** The unit's own community cases in the 7 days ending on the date (as the level engine reads them). */
  own: number;
  /** The sum of its children's community cases over the same days. */
  children: number;
  /** Some of the unit's own figures were entered by hand (they replace the registry's and are not the children's sum). */
  ownManual: boolean;
  /** Some of the children's figures were entered by hand (they are not added up into the unit). */
  childrenManual: boolean;
}

/**
 * A unit's community cases entered by hand against the sum of its children (issue 7): for each of
 * the units given that has children and where a figure of the 7 days was entered by hand (its own
 * or a child's), both sums; the page warns when they differ.
 */
export async function caseChecks(q: Queryable, provinceCode: string, codes: string[], day: string): Promise<Map<string, CaseCheck>> {
  const r = await q.query<{ code: string; own: number; kids: number; own_manual: boolean; kids_manual: boolean }>(
    `WITH own AS (
       SELECT unit_code AS code, sum(community_cases)::int AS own, bool_or('communityCases' = ANY(manual_fields)) AS own_manual
         FROM level_fact WHERE province_code = $1 AND unit_code = ANY($2::text[]) AND day BETWEEN $3::date AND $4::date GROUP BY 1
     ), kids AS (
       SELECT k.parent_code AS code, sum(f.community_cases)::int AS kids, bool_or('communityCases' = ANY(f.manual_fields)) AS kids_manual
         FROM admin_unit k JOIN level_fact f ON f.province_code = k.province_code AND f.unit_code = k.code AND f.day BETWEEN $3::date AND $4::date
        WHERE k.province_code = $1 AND k.parent_code = ANY($2::text[]) GROUP BY 1
     )
     SELECT own.code, own.own, kids.kids, own.own_manual, kids.kids_manual FROM own JOIN kids USING (code) WHERE own.own_manual OR kids.kids_manual`,
    [provinceCode, codes, addDays(day, -6), day],
  );
  return new Map(r.rows.map((x) => [x.code, { code: x.code, own: n(x.own), children: n(x.kids), ownManual: !!x.own_manual, childrenManual: !!x.kids_manual }]));
}

/** Units under this one whose official level changed in the 7 days ending on the date. */
export async function levelChanges(q: Queryable, provinceCode: string, unit: UnitInfo, day: string) {
  const r = await q.query<{ code: string; name: string; unitLevel: string; level: number; previousLevel: number | null; effectiveAt: string; kind: string; reason: string | null }>(
    `SELECT d.unit_code AS code, u.name, u.level AS "unitLevel", d.level, d.previous_level AS "previousLevel", d.effective_at AS "effectiveAt", d.kind, d.reason
       FROM level_decision d JOIN admin_unit u ON u.province_code = d.province_code AND u.code = d.unit_code
      WHERE d.province_code = $1 AND d.unit_path LIKE $2 || '%'
        AND d.effective_at >= ($3::date - 6)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'
        AND d.effective_at < ($3::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'
        AND d.previous_level IS DISTINCT FROM d.level
      ORDER BY d.effective_at DESC, d.id DESC LIMIT 200`,
    [provinceCode, unit.path, day],
  );
  return r.rows.map((x) => ({ ...x, effectiveAt: new Date(x.effectiveAt).toISOString() }));
}

/** Everything the dashboard page shows for a unit and a date. */
export async function dashboard(q: Queryable, scope: Scope, unit: UnitInfo, day: string, today: string, days = 30) {
  const from = addDays(day, -(days - 1));
  await ensureFacts(q, scope.provinceCode, addDays(day, -13) < from ? addDays(day, -13) : from, day, today);
  const kids = await children(q, scope, unit, day, today);
  const [head, epi, changes, checks] = await inOrder(
    () => headline(q, scope.provinceCode, unit, day),
    () => curve(q, scope.provinceCode, unit, from, day),
    () => levelChanges(q, scope.provinceCode, unit, day),
    () => caseChecks(q, scope.provinceCode, [unit.code, ...(kids?.children ?? []).map((c) => c.code)], day),
  );
  return {
    date: day,
    unit: { code: unit.code, name: unit.name, level: unit.level, parentCode: unit.parentCode, population: unit.population },
    ruleset: kids?.ruleset ?? null,
    self: kids?.self ?? null,
    headline: head,
    curve: epi,
    children: (kids?.children ?? []).map((c) => ({ ...c, caseCheck: checks.get(c.code) ?? null })),
    /** The unit's own hand-entered cases against its children's sum (null: nothing entered by hand). */
    caseCheck: checks.get(unit.code) ?? null,
    levelChanges: changes,
  };
}
