// Vaccination HTTP: coverage by unit, age group and dose; sweep lists and visits; home vaccination.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import ExcelJS from 'exceljs';
import { AppError, notFound } from '../../errors.ts';
import { audit } from '../../plugins/audit.ts';
import type { Permission } from '../../../domain/access/roles.ts';
import { scopeOf } from '../units/routes.ts';
import { getUnit, getUnitByPath, type Scope, type UnitRow } from '../units/store.ts';
import { todayInVietnam } from '../imports/service.ts';
import { COVERAGE_GROUPS, COVERAGE_START, percent } from '../../../domain/vaccination/coverage.ts';
import { PRIORITY_GROUPS } from '../../../domain/vaccination/types.ts';
import { coverageReport, coverageTrend, type CoverageReport } from './coverage.ts';
import { extendCoverage, rebuildCoverage } from './coverageFacts.ts';
import sweepRoutes from './sweepRoutes.ts';
import homeRoutes from './homeRoutes.ts';

export const DateString = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', format: 'date' });
export const Code = Type.String({ pattern: '^[A-Za-z0-9-]{1,40}$' });

const fieldError = (field: string, code: string, message: string) => new AppError(400, 'validation', [{ field, code, message }]);

/** A report date: today by default, not in the future, not before the facts start. */
export function reportDay(date: string | undefined): string {
  const today = todayInVietnam();
  const day = date ?? today;
  if (Number.isNaN(Date.parse(day + 'T00:00:00Z')) || new Date(day + 'T00:00:00Z').toISOString().slice(0, 10) !== day) throw fieldError('date', 'invalid_date', 'Ngày không hợp lệ / not a calendar date');
  if (day > today) throw fieldError('date', 'date_in_future', 'Ngày báo cáo ở tương lai / the date is in the future');
  if (day < COVERAGE_START) throw fieldError('date', 'before_coverage_start', 'Trước ngày 01/01/2021 chưa có tiêm chủng COVID-19 / no COVID-19 vaccination before 1/1/2021');
  return day;
}

/** The unit asked for (default: the caller's jurisdiction), 404 outside the jurisdiction. */
export async function unitOrRoot(req: FastifyRequest, code: string | undefined): Promise<UnitRow> {
  const scope = scopeOf(req);
  const u = code ? await getUnit(req.server.db, scope, code) : await getUnitByPath(req.server.db, scope.provinceCode, scope.path);
  if (!u) throw notFound();
  return u;
}

const GROUP_LABEL: Record<string, string> = { all: 'Toàn dân', '5-11': '5–11 tuổi', '12-17': '12–17 tuổi', '18+': 'Từ 18 tuổi', '50+': 'Từ 50 tuổi', '65+': 'Từ 65 tuổi' };
const PRIORITY_LABEL: Record<string, string> = {
  frontline: 'Lực lượng tuyến đầu',
  diplomatic_customs: 'Ngoại giao, hải quan',
  essential_services: 'Dịch vụ thiết yếu',
  teachers_officials: 'Giáo viên, cán bộ tiếp xúc dân',
  chronic_or_over_65: 'Bệnh nền, trên 65 tuổi',
  outbreak_area: 'Người dân vùng dịch',
  poor_policy: 'Hộ nghèo, đối tượng chính sách',
  other_named: 'Đối tượng khác theo Bộ Y tế',
};

async function coverageWorkbook(r: CoverageReport): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'chongdich';
  const dmy = r.day.split('-').reverse().join('/');
  const head = ['Đơn vị', 'Nhóm tuổi', 'Dân số', 'Ít nhất 1 mũi', '%', 'Đủ liều cơ bản', '%', 'Mũi nhắc lại', '%', 'Nhắc lại lần 2', '%'];
  const ws = wb.addWorksheet('Độ bao phủ', { views: [{ state: 'frozen', ySplit: 3 }], pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  ws.addRow([`Độ bao phủ vắc xin COVID-19 — ${r.unit.name} — ngày ${dmy}`]).font = { bold: true, size: 13 };
  ws.addRow(['Nguồn: sổ tiêm chủng và danh sách dân cư của tỉnh; tuổi tính theo ngày báo cáo']);
  ws.addRow(head).font = { bold: true };
  for (const u of [r.unit, ...r.children]) {
    for (const g of COVERAGE_GROUPS) {
      const c = u.groups[g];
      ws.addRow([u.name, GROUP_LABEL[g], c.population, c.atLeastOne, percent(c.atLeastOne, c.population), c.fully, percent(c.fully, c.population), c.booster, percent(c.booster, c.population), c.booster2, percent(c.booster2, c.population)]);
    }
  }
  ws.columns.forEach((col, i) => (col.width = i === 0 ? 28 : i === 1 ? 14 : 12));
  if (r.priority) {
    const ps = wb.addWorksheet('Nhóm ưu tiên');
    ps.addRow([`Độ bao phủ theo nhóm ưu tiên (Nghị quyết 21/NQ-CP) — ${r.unit.name} — ngày ${dmy}`]).font = { bold: true, size: 13 };
    ps.addRow(['Nhóm', 'Số người', 'Ít nhất 1 mũi', '%', 'Đủ liều cơ bản', '%', 'Mũi nhắc lại', '%']).font = { bold: true };
    for (const g of PRIORITY_GROUPS) {
      const c = r.priority[g];
      ps.addRow([PRIORITY_LABEL[g], c.population, c.atLeastOne, percent(c.atLeastOne, c.population), c.fully, percent(c.fully, c.population), c.booster, percent(c.booster, c.population)]);
    }
    ps.columns.forEach((col, i) => (col.width = i === 0 ? 34 : 12));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const CoverageQuery = Type.Object({ unit: Type.Optional(Code), date: Type.Optional(DateString), priority: Type.Optional(Type.Boolean()) }, { additionalProperties: false });

const routes: FastifyPluginAsync = async (app) => {
  const need = (p: Permission) => ({ onRequest: app.requirePermission(p) });
  const read = need('vaccination.read');

  // Facts run about a year ahead; at start and twice a day the communes near their horizon are moved on.
  let timer: NodeJS.Timeout | null = null;
  const extendAll = async () => {
    const provinces = await app.db.query<{ province_code: string }>(`SELECT province_code FROM province`);
    for (const p of provinces.rows) await app.db.tx((q) => extendCoverage(q, p.province_code));
  };
  app.addHook('onReady', async () => {
    if (app.db.kind !== 'pglite' && app.db.kind !== 'postgres') return; // the OpenAPI generator has no database
    timer = setInterval(() => extendAll().catch((err) => app.log.error({ err }, 'coverage facts: extending the horizon failed')), 12 * 3600 * 1000);
    timer.unref();
    void extendAll().catch((err) => app.log.error({ err }, 'coverage facts: extending the horizon failed'));
  });
  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer);
  });

  app.get(
    '/vaccination/coverage',
    {
      ...read,
      schema: {
        tags: ['vaccination'],
        summary: 'Coverage of a unit (default: the jurisdiction) and of its children on a date, by age group and dose; with priority=true also by priority group',
        querystring: CoverageQuery,
      },
    },
    async (req) => {
      const q = req.query as { unit?: string; date?: string; priority?: boolean };
      const day = reportDay(q.date);
      const unit = await unitOrRoot(req, q.unit);
      return coverageReport(app.db, scopeOf(req), unit, day, !!q.priority);
    },
  );

  app.get(
    '/vaccination/coverage/trend',
    {
      ...read,
      schema: { tags: ['vaccination'], summary: 'Coverage of a unit at the end of each of the 12 months up to a date (the date itself last)', querystring: Type.Object({ unit: Type.Optional(Code), date: Type.Optional(DateString) }, { additionalProperties: false }) },
    },
    async (req) => {
      const q = req.query as { unit?: string; date?: string };
      const day = reportDay(q.date);
      const unit = await unitOrRoot(req, q.unit);
      return { unit: { code: unit.code, name: unit.name }, points: await coverageTrend(app.db, scopeOf(req), unit, day, 12) };
    },
  );

  app.get(
    '/vaccination/coverage.xlsx',
    { ...read, schema: { tags: ['vaccination'], summary: 'The coverage table of a unit and its children as an Excel workbook (with the priority groups)', querystring: CoverageQuery } },
    async (req, reply) => {
      const q = req.query as { unit?: string; date?: string };
      const day = reportDay(q.date);
      const unit = await unitOrRoot(req, q.unit);
      const report = await coverageReport(app.db, scopeOf(req), unit, day, true);
      return reply
        .header('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('Content-Disposition', `attachment; filename="do-bao-phu-${unit.code}-${day}.xlsx"`)
        .send(await coverageWorkbook(report));
    },
  );

  app.post(
    '/vaccination/coverage/rebuild',
    { ...need('vaccination.manage'), schema: { tags: ['vaccination'], summary: 'Rebuild the province coverage facts from the doses and the registry (after a people import or a restore); province staff only' } },
    async (req) => {
      const scope: Scope = scopeOf(req);
      const root = await getUnitByPath(app.db, scope.provinceCode, scope.path);
      if (!root || root.level !== 'province') throw new AppError(403, 'forbidden');
      const started = Date.now();
      const r = await app.db.tx(async (q) => {
        const out = await rebuildCoverage(q, scope.provinceCode);
        await audit(q, req, { action: 'update', entity: 'vaccination_coverage', details: { rebuilt: out.communes } });
        return out;
      });
      return { communes: r.communes, ms: Date.now() - started };
    },
  );

  await app.register(sweepRoutes);
  await app.register(homeRoutes);
};

export default routes;
