// HTTP for epidemic levels (docs/levels.md): daily facts, computed levels with their explanation,
// decisions (confirm / override with a reason, a raise announced with its notice), the history of
// official levels, the capacity register and the inputs entered by hand.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import ExcelJS from 'exceljs';
import { badRequest, notFound } from '../../errors.ts';
import { audit } from '../../plugins/audit.ts';
import { scopeOf } from '../units/routes.ts';
import { todayInVietnam } from '../imports/service.ts';
import { receiveUpload } from '../../uploads.ts';
import { seedMissingPolicies } from '../policies/missing.ts';
import { LEVEL_POLICY_KEYS } from '../../../domain/levels/policies.ts';
import { parseCalendarDate } from '../../../domain/people/normalize.ts';
import { getUnit } from '../units/store.ts';
import { addDays, ensureFacts, keeperStarted, keepFactsCurrent, rebuildFacts } from './facts.ts';
import {
  CAPACITY_FIELDS,
  MANUAL_FIELDS,
  decide,
  factSeries,
  history,
  levelsOf,
  listCapacity,
  listManual,
  saveCapacity,
  saveManual,
  unitDetail,
  type CapacityInput,
  type DecisionInput,
  type ManualInput,
} from './service.ts';
import type { Queryable } from '../../db/index.ts';

/** Default versions of the level policies for provinces that have none yet. */
export async function seedMissingLevelPolicies(q: Queryable) {
  await seedMissingPolicies(q, LEVEL_POLICY_KEYS);
}

const DateString = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', format: 'date' });
const Code = Type.String({ pattern: '^[A-Za-z0-9-]{1,40}$' });
const CodeParam = Type.Object({ code: Code });
const Count = Type.Union([Type.Integer({ minimum: 0, maximum: 10_000_000 }), Type.Null()]);
const Pct = Type.Union([Type.Number({ minimum: 0, maximum: 100 }), Type.Null()]);
const Flag = Type.Union([Type.Boolean(), Type.Null()]);
const Note = Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()]));

const CapacityBody = Type.Object(
  {
    day: DateString,
    treatmentBeds: Type.Optional(Count),
    vacantBeds: Type.Optional(Count),
    icuBeds: Type.Optional(Count),
    oxygenReady: Type.Optional(Flag),
    careTeams: Type.Optional(Count),
    mobileStations: Type.Optional(Count),
    treatmentPlan: Type.Optional(Flag),
    note: Note,
  },
  { additionalProperties: false },
);
const ManualBody = Type.Object(
  {
    day: DateString,
    communityCases: Type.Optional(Count),
    quarantineCases: Type.Optional(Count),
    oxygenCases: Type.Optional(Count),
    deaths: Type.Optional(Count),
    coverageFirstDose18Pct: Type.Optional(Pct),
    coverageFully50Pct: Type.Optional(Pct),
    coverageFully65Pct: Type.Optional(Pct),
    coverageFullyAllPct: Type.Optional(Pct),
    note: Note,
  },
  { additionalProperties: false },
);
const DecisionBody = Type.Object(
  {
    date: DateString,
    action: Type.Union([Type.Literal('confirm'), Type.Literal('override')]),
    level: Type.Optional(Type.Integer({ minimum: 1, maximum: 4 })),
    reason: Type.Optional(Type.String({ maxLength: 2000 })),
    proposedLevel: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 4 }), Type.Null()])),
    effectiveAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);

/** A real calendar date, not after today in Viet Nam. */
function checkDay(day: string | undefined, field = 'date', today = todayInVietnam()): string {
  if (day == null) return today;
  if (parseCalendarDate(day) !== day) throw badRequest([{ field, code: 'invalid_date' }]);
  if (day > today) throw badRequest([{ field, code: 'in_the_future', message: 'Ngày không được sau hôm nay / the date cannot be after today' }]);
  return day;
}

const MAX_REBUILD_DAYS = 400;

const levels: FastifyPluginAsync = async (app) => {
  const read = { onRequest: app.requirePermission('levels.read') };
  const manage = { onRequest: app.requirePermission('levels.manage') };
  const decideP = { onRequest: app.requirePermission('levels.decide') };

  app.addHook('onReady', async () => {
    if (app.db.kind === 'pglite' || app.db.kind === 'postgres') await app.db.tx((q) => seedMissingLevelPolicies(q));
  });

  // The facts' schedule (facts.ts keepFactsCurrent): at start, then every minute — a new day just
  // after midnight (Viet Nam), days a case changed, recent days older than 10 minutes — so readers
  // find them built. Not in tests (they call it with a clock) nor with LEVEL_FACTS_SCHEDULE=off.
  let keeper: NodeJS.Timeout | null = null;
  let keeping = false;
  const keep = async () => {
    if (keeping) return;
    keeping = true;
    try {
      for (const r of await keepFactsCurrent(app.db)) if (r.days.length) app.log.info({ facts: r }, 'level facts kept current');
    } catch (err) {
      app.log.error({ err }, 'level facts: the scheduled build failed');
    } finally {
      keeping = false;
    }
  };
  app.addHook('onReady', async () => {
    if ((app.db.kind !== 'pglite' && app.db.kind !== 'postgres') || process.env.VITEST || process.env.LEVEL_FACTS_SCHEDULE === 'off') return;
    keeperStarted(true);
    keeper = setInterval(() => void keep(), 60_000);
    keeper.unref();
    void keep();
  });
  app.addHook('onClose', async () => {
    if (!keeper) return;
    clearInterval(keeper);
    keeper = null;
    keeperStarted(false);
    // A pass in progress finishes before the database is closed.
    while (keeping) await new Promise((r) => setTimeout(r, 20));
  });

  const unitOr404 = async (q: Queryable, req: FastifyRequest, code: string) => {
    const u = await getUnit(q, scopeOf(req), code);
    if (!u) throw notFound();
    return u;
  };

  app.get(
    '/levels',
    {
      ...read,
      schema: {
        tags: ['levels'],
        summary: "A unit (default: the caller's jurisdiction) and its children on a date: computed proposal, official level, an announced raise not yet in force, cases per 100,000 in the window",
        querystring: Type.Object({ unit: Type.Optional(Code), date: Type.Optional(DateString) }),
      },
    },
    async (req) => {
      const qs = req.query as { unit?: string; date?: string };
      const today = todayInVietnam();
      const day = checkDay(qs.date, 'date', today);
      const scope = scopeOf(req);
      return app.db.tx(async (q) => {
        const code = qs.unit ?? (await q.query<{ code: string }>('SELECT code FROM admin_unit WHERE province_code = $1 AND path = $2', [scope.provinceCode, scope.path])).rows[0]?.code;
        const res = code ? await levelsOf(q, scope, code, day, today) : null;
        if (!res) throw notFound();
        return res;
      });
    },
  );

  app.get(
    '/levels/units/:code',
    {
      ...read,
      schema: {
        tags: ['levels'],
        summary: 'One unit on a date: the explanation (inputs and their sources, band of each criterion, matrix cell, adjustments, ruleset version), the official level, the history and the measures per level',
        params: CodeParam,
        querystring: Type.Object({ date: Type.Optional(DateString) }),
      },
    },
    async (req) => {
      const today = todayInVietnam();
      const day = checkDay((req.query as { date?: string }).date, 'date', today);
      const res = await app.db.tx((q) => unitDetail(q, scopeOf(req), (req.params as { code: string }).code, day, today));
      if (!res) throw notFound();
      return res;
    },
  );

  app.get(
    '/levels/units/:code/history',
    { ...read, schema: { tags: ['levels'], summary: 'The official levels of a unit, latest first', params: CodeParam } },
    async (req) => {
      const code = (req.params as { code: string }).code;
      await unitOr404(app.db, req, code);
      return history(app.db, req.user!.provinceCode, code, 500);
    },
  );

  app.post(
    '/levels/units/:code/decisions',
    {
      ...decideP,
      schema: {
        tags: ['levels'],
        summary: 'Confirm the proposed level, or override it with a reason; a raise takes effect after the notice (policy levels.raise_notice, 48 h)',
        params: CodeParam,
        body: DecisionBody,
      },
    },
    async (req, reply) => {
      const b = req.body as DecisionInput;
      const today = todayInVietnam();
      checkDay(b.date, 'date', today);
      const code = (req.params as { code: string }).code;
      const res = await app.db.tx(async (q) => {
        const r = await decide(q, scopeOf(req), code, b, { id: req.user!.id, username: req.user!.username }, today);
        if (!r) throw notFound();
        await audit(q, req, { action: 'create', entity: 'level_decision', entityId: r.id, details: { unit: code, level: r.level, proposed: r.proposedLevel, previous: r.previousLevel, kind: r.kind, effectiveAt: r.effectiveAt, date: b.date } });
        return r;
      });
      return reply.status(201).send(res);
    },
  );

  // ---- Daily facts ----
  app.get(
    '/levels/facts',
    {
      ...read,
      schema: {
        tags: ['levels'],
        summary: 'Daily facts of a unit over a range (cases community / in quarantine, needing oxygen, deaths, coverage, which inputs were entered by hand)',
        querystring: Type.Object({ unit: Code, from: DateString, to: Type.Optional(DateString) }),
      },
    },
    async (req) => {
      const qs = req.query as { unit: string; from: string; to?: string };
      const today = todayInVietnam();
      const to = checkDay(qs.to, 'to', today);
      const from = checkDay(qs.from, 'from', today);
      if (from > to) throw badRequest([{ field: 'from', code: 'after_to' }]);
      if (addDays(from, MAX_REBUILD_DAYS) < to) throw badRequest([{ field: 'from', code: 'range_too_long' }]);
      return app.db.tx(async (q) => {
        await unitOr404(q, req, qs.unit);
        await ensureFacts(q, req.user!.provinceCode, from, to, today);
        return factSeries(q, req.user!.provinceCode, qs.unit, from, to);
      });
    },
  );

  app.post(
    '/levels/facts/rebuild',
    {
      ...decideP,
      schema: {
        tags: ['levels'],
        summary: 'Rebuild the daily facts of every unit of the province for a range of days from the raw data',
        body: Type.Object({ from: DateString, to: DateString }, { additionalProperties: false }),
      },
    },
    async (req) => {
      const b = req.body as { from: string; to: string };
      const today = todayInVietnam();
      checkDay(b.from, 'from', today);
      checkDay(b.to, 'to', today);
      if (b.from > b.to) throw badRequest([{ field: 'from', code: 'after_to' }]);
      if (addDays(b.from, MAX_REBUILD_DAYS) < b.to) throw badRequest([{ field: 'from', code: 'range_too_long' }]);
      return app.db.tx(async (q) => {
        const r = await rebuildFacts(q, req.user!.provinceCode, b.from, b.to);
        await audit(q, req, { action: 'update', entity: 'level_fact', details: { from: b.from, to: b.to, rows: r.rows } });
        return r;
      });
    },
  );

  // ---- Capacity register ----
  app.get(
    '/levels/capacity/:code',
    { ...read, schema: { tags: ['levels'], summary: "A unit's capacity register (criterion 3), latest first", params: CodeParam } },
    async (req) => {
      const code = (req.params as { code: string }).code;
      await unitOr404(app.db, req, code);
      return listCapacity(app.db, req.user!.provinceCode, code);
    },
  );
  app.put(
    '/levels/capacity/:code',
    {
      ...manage,
      schema: {
        tags: ['levels'],
        summary: 'Enter the capacity of a unit on a day (treatment beds, vacant beds, ICU, oxygen, community care teams, mobile stations, treatment plan); it holds until the next entry',
        params: CodeParam,
        body: CapacityBody,
      },
    },
    async (req) => {
      const b = req.body as CapacityInput;
      checkDay(b.day, 'day');
      const code = (req.params as { code: string }).code;
      if (!Object.keys(CAPACITY_FIELDS).some((k) => (b as Record<string, unknown>)[k] != null)) throw badRequest([{ field: 'body', code: 'nothing_entered' }]);
      return app.db.tx(async (q) => {
        await unitOr404(q, req, code);
        const r = await saveCapacity(q, req.user!.provinceCode, code, b, req.user!.id);
        await audit(q, req, { action: 'update', entity: 'level_capacity', entityId: code, details: { day: b.day } });
        return r;
      });
    },
  );

  // ---- Inputs entered by hand ----
  app.get(
    '/levels/manual/:code',
    { ...read, schema: { tags: ['levels'], summary: 'Inputs entered or imported by hand for a unit, latest first', params: CodeParam } },
    async (req) => {
      const code = (req.params as { code: string }).code;
      await unitOr404(app.db, req, code);
      return listManual(app.db, req.user!.provinceCode, code);
    },
  );
  app.put(
    '/levels/manual/:code',
    {
      ...manage,
      schema: {
        tags: ['levels'],
        summary: 'Enter figures for a unit and day by hand (cases, needing oxygen, deaths, coverage): case figures replace the registry for that day; coverage is used where the registry has no dose',
        params: CodeParam,
        body: ManualBody,
      },
    },
    async (req) => {
      const b = req.body as ManualInput;
      const today = todayInVietnam();
      checkDay(b.day, 'day', today);
      const code = (req.params as { code: string }).code;
      if (!Object.keys(MANUAL_FIELDS).some((k) => (b as Record<string, unknown>)[k] != null)) throw badRequest([{ field: 'body', code: 'nothing_entered' }]);
      return app.db.tx(async (q) => {
        await unitOr404(q, req, code);
        const r = await saveManual(q, req.user!.provinceCode, code, b, req.user!.id);
        await audit(q, req, { action: 'update', entity: 'level_manual_input', entityId: code, details: { day: b.day } });
        // The day's facts are rebuilt now; later days (coverage entered by hand carries forward) on their next read.
        await rebuildFacts(q, req.user!.provinceCode, b.day, b.day);
        await q.query('DELETE FROM level_fact_day WHERE province_code = $1 AND day > $2::date', [req.user!.provinceCode, b.day]);
        return r;
      });
    },
  );

  app.post(
    '/levels/manual/import',
    {
      ...manage,
      schema: {
        tags: ['levels'],
        summary: 'Import inputs by hand from an Excel or CSV file (columns: unit code, day, then any of the figures); every row checked, nothing saved when a row is wrong',
        consumes: ['multipart/form-data'],
      },
    },
    async (req) => {
      const upload = await receiveUpload(req, 'chongdich-levels-');
      try {
        const rows = await readManualRows(upload.path, upload.filename);
        const today = todayInVietnam();
        const scope = scopeOf(req);
        const errors: { row: number; field: string; code: string }[] = [];
        const good: { code: string; input: ManualInput }[] = [];
        const codes = [...new Set(rows.map((r) => r.unit))];
        const inScope = new Set(
          (await app.db.query<{ code: string }>(`SELECT code FROM admin_unit WHERE province_code = $1 AND code = ANY($2::text[]) AND path LIKE $3 || '%'`, [scope.provinceCode, codes, scope.path])).rows.map((r) => r.code),
        );
        for (const r of rows) {
          if (!inScope.has(r.unit)) errors.push({ row: r.row, field: 'unit', code: 'unknown_unit' });
          if (parseCalendarDate(r.day) !== r.day) errors.push({ row: r.row, field: 'day', code: 'invalid_date' });
          else if (r.day > today) errors.push({ row: r.row, field: 'day', code: 'in_the_future' });
          const input: Record<string, unknown> = { day: r.day };
          let any = false;
          for (const k of Object.keys(MANUAL_FIELDS)) {
            const v = r.values[k];
            if (v == null || v === '') continue;
            const n = Number(v);
            const pct = k.startsWith('coverage');
            if (!Number.isFinite(n) || n < 0 || (pct ? n > 100 : !Number.isInteger(n) || n > 10_000_000)) errors.push({ row: r.row, field: k, code: 'invalid_number' });
            else {
              input[k] = n;
              any = true;
            }
          }
          if (!any) errors.push({ row: r.row, field: 'values', code: 'nothing_entered' });
          good.push({ code: r.unit, input: input as ManualInput });
        }
        if (!rows.length) throw badRequest([{ field: 'file', code: 'empty' }]);
        if (errors.length) throw badRequest(errors.slice(0, 200).map((e) => ({ field: `row ${e.row}.${e.field}`, code: e.code })));
        return app.db.tx(async (q) => {
          for (const g of good) await saveManual(q, scope.provinceCode, g.code, g.input, req.user!.id, 'import');
          const days = good.map((g) => g.input.day).sort();
          await rebuildFacts(q, scope.provinceCode, days[0], days[days.length - 1]);
          await q.query('DELETE FROM level_fact_day WHERE province_code = $1 AND day > $2::date', [scope.provinceCode, days[days.length - 1]]);
          await audit(q, req, { action: 'import', entity: 'level_manual_input', details: { rows: good.length, from: days[0], to: days[days.length - 1] } });
          return { saved: good.length, from: days[0], to: days[days.length - 1] };
        });
      } finally {
        await upload.cleanup();
      }
    },
  );
};

const HEADER_ALIASES: Record<string, string> = {
  unit: 'unit', ma: 'unit', 'ma don vi': 'unit', 'unit code': 'unit', code: 'unit',
  day: 'day', ngay: 'day', date: 'day',
  communitycases: 'communityCases', 'ca cong dong': 'communityCases',
  quarantinecases: 'quarantineCases', 'ca trong khu cach ly': 'quarantineCases',
  oxygencases: 'oxygenCases', 'ca can oxy': 'oxygenCases',
  deaths: 'deaths', 'tu vong': 'deaths',
  coveragefirstdose18pct: 'coverageFirstDose18Pct', 'ty le 18+ mui 1': 'coverageFirstDose18Pct',
  coveragefully50pct: 'coverageFully50Pct', 'ty le 50+ du lieu': 'coverageFully50Pct',
  coveragefully65pct: 'coverageFully65Pct', 'ty le 65+ du lieu': 'coverageFully65Pct',
  coveragefullyallpct: 'coverageFullyAllPct', 'ty le toan dan du lieu': 'coverageFullyAllPct',
};
const fold = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'd').toLowerCase().replace(/\s+/g, ' ').trim();

function cellText(v: ExcelJS.CellValue): string {
  if (v == null) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object' && 'result' in v) return cellText((v as { result: ExcelJS.CellValue }).result);
  if (typeof v === 'object' && 'text' in v) return String((v as { text: string }).text);
  return String(v).trim();
}

/** Rows of a manual-inputs file: Excel (.xlsx) or CSV with a header row. */
export async function readManualRows(path: string, filename: string): Promise<{ row: number; unit: string; day: string; values: Record<string, string> }[]> {
  const wb = new ExcelJS.Workbook();
  const table: string[][] = [];
  if (/\.csv$/i.test(filename)) {
    const ws = await wb.csv.readFile(path);
    ws.eachRow({ includeEmpty: false }, (r) => table.push((r.values as ExcelJS.CellValue[]).slice(1).map(cellText)));
  } else if (/\.xlsx$/i.test(filename)) {
    await wb.xlsx.readFile(path);
    wb.worksheets[0]?.eachRow({ includeEmpty: false }, (r) => table.push((r.values as ExcelJS.CellValue[]).slice(1).map(cellText)));
  } else throw badRequest([{ field: 'file', code: 'unsupported_format', message: 'Chỉ nhận .xlsx hoặc .csv / only .xlsx or .csv' }]);
  if (table.length > 20_001) throw badRequest([{ field: 'file', code: 'too_many_rows' }]);
  const header = (table[0] ?? []).map((h) => HEADER_ALIASES[fold(h)] ?? HEADER_ALIASES[fold(h).replace(/ /g, '')] ?? null);
  if (!header.includes('unit') || !header.includes('day')) throw badRequest([{ field: 'file', code: 'missing_columns', message: 'Cần cột "unit" (mã đơn vị) và "day" (ngày) / columns unit and day are required' }]);
  return table.slice(1).map((cells, i) => {
    const values: Record<string, string> = {};
    header.forEach((h, j) => h && (values[h] = cells[j] ?? ''));
    return { row: i + 2, unit: values.unit, day: values.day, values };
  });
}

export default levels;
