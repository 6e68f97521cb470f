// HTTP for the daily situation report (docs/dashboard.md):
//   POST /api/reports/daily { date?, unit? }     generate (Excel + PDF), keep it in the archive
//   GET  /api/reports/daily?unit=                the archive, latest first
//   GET  /api/reports/daily/:id.xlsx | .pdf      a kept report's file
// Scheduled: every day at DAILY_REPORT_AT (Viet Nam time, default 17:00; "off" to disable) the
// province's report for the day is generated once, in process (checked every minute).
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { notFound } from '../../errors.ts';
import { audit } from '../../plugins/audit.ts';
import { scopeOf } from '../units/routes.ts';
import { todayInVietnam } from '../imports/service.ts';
import type { Db, Queryable } from '../../db/index.ts';
import type { Scope } from '../units/store.ts';
import { checkDay, unitInScope, type UnitInfo } from '../dashboard/service.ts';
import { reportData } from './data.ts';
import { reportPdf, reportXlsx } from './files.ts';

const Code = Type.String({ pattern: '^[A-Za-z0-9-]{1,40}$' });
const DateString = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

export async function generateReport(q: Queryable, scope: Scope, unit: UnitInfo, day: string, trigger: 'manual' | 'schedule', by: { id: number; username: string } | null) {
  const t0 = performance.now();
  const today = todayInVietnam();
  const data = await reportData(q, scope, unit, day, today);
  const [xlsx, pdf] = await Promise.all([reportXlsx(data), reportPdf(data)]);
  const ms = Math.round(performance.now() - t0);
  const summary = { headline: data.headline, levelCounts: data.levelCounts, selfLevel: data.selfLevel, provinceName: data.provinceName, unitName: unit.name };
  const r = await q.query<{ id: number; generatedAt: Date }>(
    `INSERT INTO daily_report (province_code, unit_code, unit_path, day, trigger, xlsx, pdf, summary, generation_ms, generated_by, generated_username)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id::int, generated_at AS "generatedAt"`,
    [scope.provinceCode, unit.code, unit.path, day, trigger, xlsx, pdf, JSON.stringify(summary), ms, by?.id ?? null, by?.username ?? null],
  );
  return { id: r.rows[0].id, day, unitCode: unit.code, unitName: unit.name, trigger, generationMs: ms, generatedAt: new Date(r.rows[0].generatedAt).toISOString(), xlsxBytes: xlsx.length, pdfBytes: pdf.length };
}

/** "HH:MM" of the daily run in Viet Nam, or null when off. */
export function scheduleTime(v = process.env.DAILY_REPORT_AT): { h: number; m: number } | null {
  if (v === 'off') return null;
  const m = /^(\d{1,2}):(\d{2})$/.exec(v ?? '17:00');
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) return { h: 17, m: 0 };
  return { h: Number(m[1]), m: Number(m[2]) };
}

/**
 * The daily run: once the time of day (Viet Nam) has passed, each province's report for the day
 * is generated once (trigger 'schedule'); earlier, or when already made, nothing is done.
 */
export async function runDailyReports(db: Db, now: Date, at = scheduleTime()) {
  if (!at) return [];
  const vn = new Date(now.getTime() + 7 * 3_600_000); // Viet Nam wall clock, read as UTC
  if (vn.getUTCHours() * 60 + vn.getUTCMinutes() < at.h * 60 + at.m) return [];
  const day = vn.toISOString().slice(0, 10);
  const made = [];
  const provinces = await db.query<{ province_code: string; path: string; code: string }>(`SELECT province_code, path, code FROM admin_unit WHERE level = 'province'`);
  for (const p of provinces.rows) {
    const scope = { provinceCode: p.province_code, path: p.path };
    const r = await db.tx(async (q) => {
      await q.query('SELECT pg_advisory_xact_lock(hashtext($1))', [p.province_code + ':daily_report']);
      const done = await q.query(`SELECT 1 FROM daily_report WHERE province_code = $1 AND unit_code = $2 AND day = $3 AND trigger = 'schedule'`, [p.province_code, p.code, day]);
      if (done.rows.length) return null;
      return generateReport(q, scope, (await unitInScope(q, scope, p.code))!, day, 'schedule', null);
    });
    if (r) made.push(r);
  }
  return made;
}

const routes: FastifyPluginAsync = async (app) => {
  const read = { onRequest: app.requirePermission('levels.read') };

  app.post(
    '/reports/daily',
    {
      ...read,
      schema: {
        tags: ['dashboard'],
        summary: "Generate the daily situation report of a unit (default: the caller's jurisdiction) for a date (default: today), as Excel and PDF, and keep it in the archive",
        body: Type.Object({ date: Type.Optional(DateString), unit: Type.Optional(Code) }, { additionalProperties: false }),
      },
    },
    async (req, reply) => {
      const b = (req.body ?? {}) as { date?: string; unit?: string };
      const day = checkDay(b.date);
      const scope = scopeOf(req);
      const res = await app.db.tx(async (q) => {
        const unit = await unitInScope(q, scope, b.unit);
        if (!unit) throw notFound();
        const r = await generateReport(q, scope, unit, day, 'manual', { id: req.user!.id, username: req.user!.username });
        await audit(q, req, { action: 'create', entity: 'daily_report', entityId: r.id, details: { unit: unit.code, day, ms: r.generationMs } });
        return r;
      });
      return reply.status(201).send(res);
    },
  );

  app.get(
    '/reports/daily',
    {
      ...read,
      schema: { tags: ['dashboard'], summary: 'The archive of daily reports of the units in the jurisdiction (optionally one unit), latest first', querystring: Type.Object({ unit: Type.Optional(Code), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }) },
    },
    async (req) => {
      const qs = req.query as { unit?: string; limit?: number };
      const scope = scopeOf(req);
      const r = await app.db.query(
        `SELECT r.id::int, r.day::text AS day, r.unit_code AS "unitCode", u.name AS "unitName", r.trigger, r.generation_ms AS "generationMs", r.generated_at AS "generatedAt",
                r.generated_username AS "generatedBy", octet_length(r.xlsx)::int AS "xlsxBytes", octet_length(r.pdf)::int AS "pdfBytes"
           FROM daily_report r JOIN admin_unit u ON u.province_code = r.province_code AND u.code = r.unit_code
          WHERE r.province_code = $1 AND r.unit_path LIKE $2 || '%' AND ($3::text IS NULL OR r.unit_code = $3)
          ORDER BY r.day DESC, r.id DESC LIMIT $4`,
        [scope.provinceCode, scope.path, qs.unit ?? null, qs.limit ?? 100],
      );
      return r.rows;
    },
  );

  app.get(
    '/reports/daily/:id/:format',
    {
      ...read,
      schema: {
        tags: ['dashboard'],
        summary: 'A kept daily report as Excel (xlsx) or PDF',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }), format: Type.Union([Type.Literal('xlsx'), Type.Literal('pdf')]) }),
      },
    },
    async (req, reply) => {
      const { id, format } = req.params as { id: number; format: 'xlsx' | 'pdf' };
      const scope = scopeOf(req);
      const r = await app.db.query<{ file: Buffer | Uint8Array; day: string; unit_code: string }>(
        `SELECT ${format === 'pdf' ? 'pdf' : 'xlsx'} AS file, day::text AS day, unit_code FROM daily_report WHERE province_code = $1 AND id = $2 AND unit_path LIKE $3 || '%'`,
        [scope.provinceCode, id, scope.path],
      );
      const row = r.rows[0];
      if (!row) throw notFound();
      const name = `bao-cao-ngay-${row.day}-${row.unit_code}.${format}`;
      return reply
        .type(format === 'pdf' ? 'application/pdf' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `${format === 'pdf' ? 'inline' : 'attachment'}; filename="${name}"`)
        .header('cache-control', 'private, max-age=3600')
        .send(Buffer.from(row.file));
    },
  );

  // ---- The daily run ----
  const live = app.db.kind === 'pglite' || app.db.kind === 'postgres';
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      for (const r of await runDailyReports(app.db, new Date())) app.log.info({ report: r }, 'daily report generated');
    } catch (err) {
      app.log.error({ err }, 'daily report generation failed');
    } finally {
      running = false;
    }
  };
  app.addHook('onReady', async () => {
    if (!live || process.env.VITEST) return;
    timer = setInterval(() => void tick(), 60_000);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer);
  });
};

export default routes;
