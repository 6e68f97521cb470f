// Levels for a date for every unit (proposals from the daily facts, with their explanation), the
// official levels decided by officers and their history, the capacity register and the inputs
// entered by hand (docs/levels.md).
import type { Queryable } from '../../db/index.ts';
import { AppError, badRequest } from '../../errors.ts';
import { policyOn } from '../policies/service.ts';
import { computeLevel, type LevelExplanation, type LevelInputs, type LevelNumber, type Source, type UnitLevel } from '../../../domain/levels/engine.ts';
import type { Ruleset } from '../../../domain/levels/rulesets.ts';
import type { MeasuresPolicy, RaiseNoticePolicy } from '../../../domain/levels/policies.ts';
import type { Scope } from '../units/store.ts';
import { addDays, ensureFacts } from './facts.ts';

export interface RulesetInForce {
  ruleset: Ruleset;
  key: string;
  version: number;
  effectiveFrom: string;
  source: string;
}

export async function rulesetOn(q: Queryable, provinceCode: string, day: string): Promise<RulesetInForce> {
  const p = await policyOn<{ ruleset: Ruleset }>(q, provinceCode, 'levels.ruleset', day);
  if (!p) throw new AppError(409, 'conflict', [{ field: 'date', code: 'no_ruleset_in_force', message: 'Chưa có bộ tiêu chí cấp độ dịch áp dụng cho ngày này / no level ruleset in force on this date' }]);
  return { ruleset: p.value.ruleset, key: p.key, version: p.version, effectiveFrom: String(p.effectiveFrom).slice(0, 10), source: p.source };
}

interface UnitInfo {
  code: string;
  name: string;
  level: UnitLevel;
  path: string;
  parentCode: string | null;
  population: number;
}

export interface Official {
  level: LevelNumber;
  effectiveAt: string;
  announcedAt: string;
  kind: 'confirm' | 'override';
  decisionId: number;
}

export interface UnitLevelRow {
  code: string;
  name: string;
  unitLevel: UnitLevel;
  parentCode: string | null;
  population: number;
  proposed: LevelNumber | null;
  /** The official level in force at the end of the date (null: never decided). */
  official: Official | null;
  /** An announced level not yet in force (a raise with its notice). */
  pending: Official | null;
  communityCases: number;
  casesPer100k: number | null;
  /** The proposal differs from the official level (or there is none yet). */
  changed: boolean;
  manual: boolean;
}

interface FactSum {
  unit_code: string;
  population: number;
  cc: number;
  qc: number;
  ox: number;
  dd: number;
  cov_first18: string | null;
  cov_full50: string | null;
  cov_full65: string | null;
  cov_full_all: string | null;
  coverage_source: string | null;
  manual_fields: string[] | null;
}

interface CapacityRow {
  unit_code: string;
  treatment_beds: number | null;
  vacant_beds: number | null;
  icu_beds: number | null;
  oxygen_ready: boolean | null;
  care_teams: number | null;
  mobile_stations: number | null;
  treatment_plan: boolean | null;
}

const num = (x: string | number | null) => (x == null ? null : Number(x));
/** The end of a calendar day in Viet Nam (UTC+7), as an instant. */
export const endOfDayVn = (day: string) => new Date(Date.parse(day + 'T23:59:59.999+07:00'));

/** Units of the province whose path starts with one of the given paths (or the codes given). */
async function unitsByCodes(q: Queryable, provinceCode: string, codes: string[]): Promise<UnitInfo[]> {
  const r = await q.query<UnitInfo>(
    `SELECT code, name, level, path, parent_code AS "parentCode", population FROM admin_unit WHERE province_code = $1 AND code = ANY($2::text[])`,
    [provinceCode, codes],
  );
  return r.rows;
}

/** Capacity inputs of each unit on a day from the register (latest entry on or before the day, per unit). */
async function capacityInputs(q: Queryable, provinceCode: string, day: string, targets: UnitInfo[]): Promise<Map<string, LevelInputs['capacity'] & { entered: boolean }>> {
  const reg = await q.query<CapacityRow & { path: string; level: string }>(
    `SELECT DISTINCT ON (c.unit_code) c.unit_code, c.treatment_beds, c.vacant_beds, c.icu_beds, c.oxygen_ready, c.care_teams, c.mobile_stations, c.treatment_plan, u.path, u.level
       FROM level_capacity c JOIN admin_unit u ON u.province_code = c.province_code AND u.code = c.unit_code
      WHERE c.province_code = $1 AND c.day <= $2::date ORDER BY c.unit_code, c.day DESC`,
    [provinceCode, day],
  );
  const entries = reg.rows;
  // Areas criterion 3b reads: the district for a commune or village, the unit itself above.
  const districtOf = async (units: UnitInfo[]) => {
    const need = new Set<string>();
    for (const u of units) if (u.level === 'commune' || u.level === 'village') need.add(u.path.split('/').filter(Boolean).slice(0, 2).join('/') + '/');
    if (!need.size) return new Map<string, { path: string; population: number }>();
    const r = await q.query<{ path: string; population: number; level: string }>(
      `SELECT path, population, level FROM admin_unit WHERE province_code = $1 AND path = ANY($2::text[])`,
      [provinceCode, [...need]],
    );
    return new Map(r.rows.map((x) => [x.path, { path: x.path, population: Number(x.population) }]));
  };
  const districts = await districtOf(targets);
  const sumUnder = (path: string, f: keyof CapacityRow) => {
    let s: number | null = null;
    for (const e of entries) if (e.path.startsWith(path) && e[f] != null) s = (s ?? 0) + Number(e[f]);
    return s;
  };
  const own = new Map(entries.map((e) => [e.unit_code, e]));
  const out = new Map<string, LevelInputs['capacity'] & { entered: boolean }>();
  for (const u of targets) {
    const mine = own.get(u.code);
    let areaPath = u.path;
    let areaPop = Number(u.population);
    if (u.level === 'commune' || u.level === 'village') {
      const dp = u.path.split('/').filter(Boolean).slice(0, 2).join('/') + '/';
      const d = districts.get(dp);
      // A province without districts: the commune's own area.
      if (d && d.path !== u.path && u.path.split('/').filter(Boolean).length > 2) {
        areaPath = d.path;
        areaPop = d.population;
      }
    }
    const entered = entries.some((e) => e.path.startsWith(u.path) || e.path === areaPath);
    out.set(u.code, {
      entered,
      oxygenReady: mine?.oxygen_ready ?? null,
      treatmentPlan: mine?.treatment_plan ?? null,
      careTeams: sumUnder(u.path, 'care_teams'),
      mobileStations: sumUnder(u.path, 'mobile_stations'),
      treatmentBeds: sumUnder(areaPath, 'treatment_beds'),
      icuBeds: sumUnder(areaPath, 'icu_beds'),
      vacantBeds: sumUnder(areaPath, 'vacant_beds'),
      bedsPopulation: areaPop,
    });
  }
  return out;
}

/** Window sums of the facts for the units on a day. */
async function factSums(q: Queryable, provinceCode: string, codes: string[], day: string, windowDays: number): Promise<Map<string, FactSum>> {
  const r = await q.query<FactSum>(
    `SELECT f.unit_code, max(f.population) FILTER (WHERE f.day = $3::date) AS population,
            sum(f.community_cases)::int AS cc, sum(f.quarantine_cases)::int AS qc, sum(f.oxygen_cases)::int AS ox, sum(f.deaths)::int AS dd,
            max(f.cov_first18) FILTER (WHERE f.day = $3::date) AS cov_first18, max(f.cov_full50) FILTER (WHERE f.day = $3::date) AS cov_full50,
            max(f.cov_full65) FILTER (WHERE f.day = $3::date) AS cov_full65, max(f.cov_full_all) FILTER (WHERE f.day = $3::date) AS cov_full_all,
            max(f.coverage_source) FILTER (WHERE f.day = $3::date) AS coverage_source,
            array_agg(DISTINCT m.x) FILTER (WHERE m.x IS NOT NULL) AS manual_fields
       FROM level_fact f LEFT JOIN LATERAL unnest(f.manual_fields) AS m(x) ON true
      WHERE f.province_code = $1 AND f.unit_code = ANY($2::text[]) AND f.day BETWEEN $4::date AND $3::date
      GROUP BY f.unit_code`,
    [provinceCode, codes, day, addDays(day, -(windowDays - 1))],
  );
  return new Map(r.rows.map((x) => [x.unit_code, x]));
}

function toInputs(u: UnitInfo, f: FactSum | undefined, cap: LevelInputs['capacity']): LevelInputs {
  const sources: Record<string, Source> = {};
  const manual = new Set(f?.manual_fields ?? []);
  for (const k of ['communityCases', 'quarantineCases', 'oxygenCases', 'deaths']) if (manual.has(k)) sources[k] = 'manual';
  const covSource: Source | null = f?.coverage_source === 'manual' ? 'manual' : f?.coverage_source === 'parent' ? 'parent' : f?.coverage_source === 'registry' ? 'registry' : null;
  for (const k of ['adults18AtLeastOnePct', 'over50FullyPct', 'over65FullyPct', 'populationFullyPct']) sources[`coverage.${k}`] = covSource ?? 'missing';
  return {
    unitLevel: u.level,
    population: f?.population != null ? Number(f.population) : Number(u.population),
    communityCases: f?.cc ?? 0,
    quarantineCases: f?.qc ?? 0,
    oxygenCases: f?.ox ?? 0,
    deaths: f?.dd ?? 0,
    coverage: { adults18AtLeastOnePct: num(f?.cov_first18 ?? null), over50FullyPct: num(f?.cov_full50 ?? null), over65FullyPct: num(f?.cov_full65 ?? null), populationFullyPct: num(f?.cov_full_all ?? null) },
    capacity: cap,
    sources,
  };
}

/** The official level of each unit at an instant, and the latest announced one not yet in force. */
export async function officialLevels(q: Queryable, provinceCode: string, codes: string[], at: Date): Promise<{ current: Map<string, Official>; pending: Map<string, Official> }> {
  const r = await q.query<{ unit_code: string; level: number; effective_at: Date; announced_at: Date; kind: 'confirm' | 'override'; id: number; in_force: boolean }>(
    `SELECT * FROM (
       SELECT DISTINCT ON (unit_code) unit_code, level, effective_at, announced_at, kind, id, true AS in_force FROM level_decision
        WHERE province_code = $1 AND unit_code = ANY($2::text[]) AND effective_at <= $3 ORDER BY unit_code, effective_at DESC, id DESC) a
     UNION ALL
     SELECT * FROM (
       SELECT DISTINCT ON (unit_code) unit_code, level, effective_at, announced_at, kind, id, false FROM level_decision
        WHERE province_code = $1 AND unit_code = ANY($2::text[]) AND effective_at > $3 AND announced_at <= $3 ORDER BY unit_code, effective_at DESC, id DESC) b`,
    [provinceCode, codes, at],
  );
  const current = new Map<string, Official>();
  const pending = new Map<string, Official>();
  for (const x of r.rows) {
    const o: Official = { level: x.level as LevelNumber, effectiveAt: new Date(x.effective_at).toISOString(), announcedAt: new Date(x.announced_at).toISOString(), kind: x.kind, decisionId: Number(x.id) };
    (x.in_force ? current : pending).set(x.unit_code, o);
  }
  return { current, pending };
}

export interface Assessment {
  unit: UnitInfo;
  explanation: LevelExplanation;
}

/** Proposals with explanations for units on a day (facts made current first). */
export async function assess(q: Queryable, provinceCode: string, units: UnitInfo[], day: string, today: string, ensure = true): Promise<{ ruleset: RulesetInForce; items: Assessment[] }> {
  const rs = await rulesetOn(q, provinceCode, day);
  if (ensure) await ensureFacts(q, provinceCode, addDays(day, -(rs.ruleset.windowDays - 1)), day, today);
  const codes = units.map((u) => u.code);
  // One after the other: a transaction's client runs one query at a time (pg deprecates queuing them).
  const facts = await factSums(q, provinceCode, codes, day, rs.ruleset.windowDays);
  const caps = await capacityInputs(q, provinceCode, day, units);
  const ref = { key: rs.key, version: rs.version, effectiveFrom: rs.effectiveFrom, source: rs.source };
  const items = units.map((u) => {
    const { entered: _e, ...cap } = caps.get(u.code)!;
    return { unit: u, explanation: computeLevel(toInputs(u, facts.get(u.code), cap), rs.ruleset, ref) };
  });
  return { ruleset: rs, items };
}

const rowOf = (a: Assessment, off: { current: Map<string, Official>; pending: Map<string, Official> }): UnitLevelRow => {
  const e = a.explanation;
  const official = off.current.get(a.unit.code) ?? null;
  const c1 = e.criteria.find((c) => c.id === 'c1_cases' || c.id === '1a_cases');
  return {
    code: a.unit.code,
    name: a.unit.name,
    unitLevel: a.unit.level,
    parentCode: a.unit.parentCode,
    population: Number(a.unit.population),
    proposed: e.level,
    official,
    pending: off.pending.get(a.unit.code) ?? null,
    communityCases: e.inputs.communityCases,
    casesPer100k: c1?.value ?? null,
    changed: e.level != null && official?.level !== e.level,
    manual: Object.entries(e.inputs.sources).some(([, s]) => s === 'manual'),
  };
};

/** A unit and its children on a day: proposal, official level, pending raise, cases. */
export async function levelsOf(q: Queryable, scope: Scope, unitCode: string, day: string, today: string) {
  const r = await q.query<UnitInfo>(
    `SELECT code, name, level, path, parent_code AS "parentCode", population FROM admin_unit
      WHERE province_code = $1 AND path LIKE $3 || '%' AND (code = $2 OR parent_code = $2)`,
    [scope.provinceCode, unitCode, scope.path],
  );
  const unit = r.rows.find((u) => u.code === unitCode);
  if (!unit) return null;
  const { ruleset, items } = await assess(q, scope.provinceCode, r.rows, day, today);
  const off = await officialLevels(q, scope.provinceCode, r.rows.map((u) => u.code), endOfDayVn(day));
  const rows = items.map((a) => rowOf(a, off));
  const collator = new Intl.Collator('vi');
  return {
    date: day,
    ruleset: { key: ruleset.key, version: ruleset.version, effectiveFrom: ruleset.effectiveFrom, kind: ruleset.ruleset.kind, name: ruleset.ruleset.name },
    unit: rows.find((x) => x.code === unitCode)!,
    children: rows.filter((x) => x.code !== unitCode).sort((a, b) => collator.compare(a.name, b.name)),
  };
}

/** Every unit of the province on a day (the recompute the benchmark measures). */
export async function levelsOfProvince(q: Queryable, provinceCode: string, day: string, today: string, ensure = true) {
  const r = await q.query<UnitInfo>(`SELECT code, name, level, path, parent_code AS "parentCode", population FROM admin_unit WHERE province_code = $1`, [provinceCode]);
  const { items } = await assess(q, provinceCode, r.rows, day, today, ensure);
  const off = await officialLevels(q, provinceCode, r.rows.map((u) => u.code), endOfDayVn(day));
  return items.map((a) => rowOf(a, off));
}

export interface HistoryItem {
  id: number;
  level: LevelNumber;
  proposedLevel: LevelNumber | null;
  previousLevel: LevelNumber | null;
  kind: 'confirm' | 'override';
  reason: string | null;
  assessedDay: string;
  announcedAt: string;
  effectiveAt: string;
  rulesetKey: string;
  rulesetVersion: number;
  decidedBy: string | null;
}

export async function history(q: Queryable, provinceCode: string, unitCode: string, limit = 100): Promise<HistoryItem[]> {
  const r = await q.query<HistoryItem>(
    `SELECT id::int, level, proposed_level AS "proposedLevel", previous_level AS "previousLevel", kind, reason, assessed_day::text AS "assessedDay",
            announced_at AS "announcedAt", effective_at AS "effectiveAt", ruleset_key AS "rulesetKey", ruleset_version AS "rulesetVersion", decided_username AS "decidedBy"
       FROM level_decision WHERE province_code = $1 AND unit_code = $2 ORDER BY effective_at DESC, id DESC LIMIT $3`,
    [provinceCode, unitCode, limit],
  );
  return r.rows.map((x) => ({ ...x, announcedAt: new Date(x.announcedAt).toISOString(), effectiveAt: new Date(x.effectiveAt).toISOString() }));
}

/** One unit on a day: the explanation, the official level, the pending raise, the history, the measures of the levels shown. */
export async function unitDetail(q: Queryable, scope: Scope, unitCode: string, day: string, today: string) {
  const units = await q.query<UnitInfo>(
    `SELECT code, name, level, path, parent_code AS "parentCode", population FROM admin_unit WHERE province_code = $1 AND code = $2 AND path LIKE $3 || '%'`,
    [scope.provinceCode, unitCode, scope.path],
  );
  const unit = units.rows[0];
  if (!unit) return null;
  const { items } = await assess(q, scope.provinceCode, [unit], day, today);
  const off = await officialLevels(q, scope.provinceCode, [unitCode], endOfDayVn(day));
  const measures = await policyOn<MeasuresPolicy>(q, scope.provinceCode, 'levels.measures', day);
  const notice = await policyOn<RaiseNoticePolicy>(q, scope.provinceCode, 'levels.raise_notice', day);
  const row = rowOf(items[0], off);
  return {
    date: day,
    unit: { code: unit.code, name: unit.name, level: unit.level, parentCode: unit.parentCode, population: Number(unit.population) },
    proposed: row.proposed,
    official: row.official,
    pending: row.pending,
    explanation: items[0].explanation,
    measures: measures ? { version: measures.version, levels: measures.value.levels } : null,
    raiseNoticeHours: notice?.value.hours ?? 48,
    history: await history(q, scope.provinceCode, unitCode),
  };
}

export interface DecisionInput {
  date: string;
  action: 'confirm' | 'override';
  level?: number;
  reason?: string;
  /** The proposal the officer saw (refused as stale when the proposal changed since). */
  proposedLevel?: number | null;
  /** When the decision should take effect (not before now; a raise not before its notice). */
  effectiveAt?: string;
}

/** Confirm the proposal or override it with a reason; a raise takes effect after the notice. */
export async function decide(q: Queryable, scope: Scope, unitCode: string, input: DecisionInput, actor: { id: number; username: string }, today: string, now = new Date()) {
  const detail = await unitDetail(q, scope, unitCode, input.date, today);
  if (!detail) return null;
  const e = detail.explanation;
  if (input.proposedLevel !== undefined && input.proposedLevel !== e.level) {
    throw new AppError(409, 'stale', [{ field: 'proposedLevel', code: 'proposal_changed', message: `Đề xuất hiện là cấp ${e.level ?? '—'} / the proposal is now level ${e.level ?? '—'}` }]);
  }
  let level: number;
  if (input.action === 'confirm') {
    if (e.level == null) throw new AppError(409, 'conflict', [{ field: 'action', code: 'no_proposal', message: 'Chưa tính được cấp độ (chưa có dân số) / no proposal to confirm' }]);
    level = e.level;
  } else {
    if (input.level == null) throw badRequest([{ field: 'level', code: 'required' }]);
    if (!input.reason || input.reason.trim().length < 5) throw badRequest([{ field: 'reason', code: 'required', message: 'Cần ghi lý do điều chỉnh (ít nhất 5 ký tự) / a reason is required' }]);
    level = input.level;
  }
  // The level in force now (not at the assessed day): a raise is measured against what people live under.
  const nowOff = await officialLevels(q, scope.provinceCode, [unitCode], now);
  const previous = nowOff.current.get(unitCode)?.level ?? null;
  const noticeHours = detail.raiseNoticeHours;
  const requested = input.effectiveAt ? new Date(input.effectiveAt) : null;
  if (requested && requested.getTime() < now.getTime() - 60_000) throw badRequest([{ field: 'effectiveAt', code: 'in_the_past' }]);
  const isRaise = previous != null && level > previous;
  const earliest = isRaise ? new Date(now.getTime() + noticeHours * 3_600_000) : now;
  if (requested && isRaise && requested < earliest) {
    throw badRequest([{ field: 'effectiveAt', code: 'before_notice', message: `Nâng cấp độ phải thông báo trước ${noticeHours} giờ / a raise needs ${noticeHours} h notice` }]);
  }
  const effectiveAt = requested && requested > earliest ? requested : earliest;
  const unitPath = (await q.query<{ path: string }>('SELECT path FROM admin_unit WHERE province_code = $1 AND code = $2', [scope.provinceCode, unitCode])).rows[0].path;
  const r = await q.query<{ id: number }>(
    `INSERT INTO level_decision (province_code, unit_code, unit_path, assessed_day, level, proposed_level, previous_level, kind, reason, announced_at, effective_at,
                                 ruleset_key, ruleset_version, explanation, decided_by, decided_username)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id::int`,
    [
      scope.provinceCode, unitCode, unitPath, input.date, level, e.level, previous, input.action, input.reason?.trim() || null, now, effectiveAt,
      e.ruleset.key, e.ruleset.version, JSON.stringify(e), actor.id, actor.username,
    ],
  );
  return { id: r.rows[0].id, unitCode, level, proposedLevel: e.level, previousLevel: previous, kind: input.action, raise: isRaise, announcedAt: now.toISOString(), effectiveAt: effectiveAt.toISOString(), noticeHours: isRaise ? noticeHours : 0 };
}

// ---- capacity register and manual inputs ----

export const CAPACITY_FIELDS = {
  treatmentBeds: 'treatment_beds',
  vacantBeds: 'vacant_beds',
  icuBeds: 'icu_beds',
  oxygenReady: 'oxygen_ready',
  careTeams: 'care_teams',
  mobileStations: 'mobile_stations',
  treatmentPlan: 'treatment_plan',
} as const;
export type CapacityInput = { day: string; note?: string | null } & { [K in keyof typeof CAPACITY_FIELDS]?: (K extends 'oxygenReady' | 'treatmentPlan' ? boolean : number) | null };

export const MANUAL_FIELDS = {
  communityCases: 'community_cases',
  quarantineCases: 'quarantine_cases',
  oxygenCases: 'oxygen_cases',
  deaths: 'deaths',
  coverageFirstDose18Pct: 'cov_first18',
  coverageFully50Pct: 'cov_full50',
  coverageFully65Pct: 'cov_full65',
  coverageFullyAllPct: 'cov_full_all',
} as const;
export type ManualInput = { day: string; note?: string | null } & { [K in keyof typeof MANUAL_FIELDS]?: number | null };

function camelRow<T extends Record<string, string>>(map: T, row: Record<string, unknown>) {
  const out: Record<string, unknown> = { day: String(row.day).slice(0, 10), note: row.note ?? null };
  for (const [k, col] of Object.entries(map)) out[k] = row[col] == null ? null : typeof row[col] === 'boolean' ? row[col] : Number(row[col]);
  if (row.entered_at) out.enteredAt = new Date(row.entered_at as string).toISOString();
  if ('via' in row) out.via = row.via;
  return out;
}

async function upsert(q: Queryable, table: string, map: Record<string, string>, provinceCode: string, unitCode: string, input: Record<string, unknown>, userId: number, extra: Record<string, unknown> = {}) {
  const fields = Object.entries(map);
  const cols = [...fields.map(([, c]) => c), 'note', ...Object.keys(extra)];
  const vals = [...fields.map(([k]) => input[k] ?? null), input.note ?? null, ...Object.values(extra)];
  const r = await q.query(
    `INSERT INTO ${table} (province_code, unit_code, day, ${cols.join(', ')}, entered_by, entered_at)
     VALUES ($1, $2, $3, ${cols.map((_, i) => `$${i + 4}`).join(', ')}, $${cols.length + 4}, now())
     ON CONFLICT (province_code, unit_code, day) DO UPDATE SET ${cols.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}, entered_by = EXCLUDED.entered_by, entered_at = now()
     RETURNING *`,
    [provinceCode, unitCode, input.day, ...vals, userId],
  );
  return camelRow(map, r.rows[0] as Record<string, unknown>);
}

export const saveCapacity = (q: Queryable, provinceCode: string, unitCode: string, input: CapacityInput, userId: number) => upsert(q, 'level_capacity', CAPACITY_FIELDS, provinceCode, unitCode, input, userId);
export const saveManual = (q: Queryable, provinceCode: string, unitCode: string, input: ManualInput, userId: number, via: 'form' | 'import' = 'form') =>
  upsert(q, 'level_manual_input', MANUAL_FIELDS, provinceCode, unitCode, input, userId, { via });

export async function listCapacity(q: Queryable, provinceCode: string, unitCode: string, limit = 60) {
  const r = await q.query(`SELECT * FROM level_capacity WHERE province_code = $1 AND unit_code = $2 ORDER BY day DESC LIMIT $3`, [provinceCode, unitCode, limit]);
  return r.rows.map((x) => camelRow(CAPACITY_FIELDS, x as Record<string, unknown>));
}
export async function listManual(q: Queryable, provinceCode: string, unitCode: string, limit = 60) {
  const r = await q.query(`SELECT * FROM level_manual_input WHERE province_code = $1 AND unit_code = $2 ORDER BY day DESC LIMIT $3`, [provinceCode, unitCode, limit]);
  return r.rows.map((x) => camelRow(MANUAL_FIELDS, x as Record<string, unknown>));
}

/** Daily facts of a unit over a range (for charts and the dashboard). */
export async function factSeries(q: Queryable, provinceCode: string, unitCode: string, from: string, to: string) {
  const r = await q.query(
    `SELECT day::text AS day, population, community_cases AS "communityCases", quarantine_cases AS "quarantineCases", oxygen_cases AS "oxygenCases", deaths,
            cov_first18::float AS "coverageFirstDose18Pct", cov_full50::float AS "coverageFully50Pct", cov_full65::float AS "coverageFully65Pct",
            cov_full_all::float AS "coverageFullyAllPct", coverage_source AS "coverageSource", manual_fields AS "manualFields"
       FROM level_fact WHERE province_code = $1 AND unit_code = $2 AND day BETWEEN $3::date AND $4::date ORDER BY day`,
    [provinceCode, unitCode, from, to],
  );
  return r.rows;
}

export { unitsByCodes };
