// Vaccination HTTP: imports of the national platform's dose exports (doseImport.ts): upload a file
// (the import then runs in the background), follow the job, download the refused rows, download
// the template.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import ExcelJS from 'exceljs';
import { notFound } from '../../errors.ts';
import { audit } from '../../plugins/audit.ts';
import { MAX_UPLOAD_BYTES } from '../../app.ts';
import { receiveUpload, errorsWorkbook } from '../../uploads.ts';
import { getJob, getJobErrors, listJobs, type JobRow } from '../imports/store.ts';
import { ImportJobSchema } from '../imports/routes.ts';
import { DOSE_IMPORT_COLUMNS, DOSE_COLUMN_LABELS, doseTemplateRows } from '../../../domain/vaccination/doseImport.ts';
import { checkDoseFile, createDoseJob, dropStaleStaging, DOSE_IMPORT_KIND, enqueueImport, runDoseImport, type CheckedDoseFile, type DoseImporter } from './doseImport.ts';

const JobId = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const EMPTY_ERRORS = 'Dòng,Cột,Mã lỗi,Lỗi\r\n';
const UTF8_BOM = '\uFEFF';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const iso = (d: unknown) => (d instanceof Date ? d.toISOString() : d == null ? null : new Date(String(d)).toISOString());
const present = (j: JobRow) => ({ ...j, startedAt: iso(j.startedAt)!, finishedAt: iso(j.finishedAt) });
const jobScope = (req: FastifyRequest) => ({ provinceCode: req.user!.provinceCode, path: req.user!.unitPath });

function templateCsv(): string {
  return doseTemplateRows()
    .map((r) => r.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(','))
    .join('\r\n') + '\r\n';
}

async function templateXlsx(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Mũi tiêm', { views: [{ state: 'frozen', ySplit: 1 }] });
  const rows = doseTemplateRows();
  ws.columns = DOSE_IMPORT_COLUMNS.map((c) => ({ key: c, width: Math.max(14, DOSE_COLUMN_LABELS[c].vi.length + 4) }));
  // Codes, CCCD and dates as text, so Excel keeps the leading zeros and the day-first dates.
  for (const r of rows) ws.addRow(r);
  ws.eachRow((row) => row.eachCell((cell) => (cell.numFmt = '@')));
  ws.getRow(1).font = { bold: true };
  const help = wb.addWorksheet('Hướng dẫn');
  help.columns = [{ width: 28 }, { width: 90 }];
  help.addRow(['Cột', 'Ý nghĩa']).font = { bold: true };
  const meaning: Record<string, string> = {
    external_id: 'Mã bản ghi mũi tiêm trên Nền tảng tiêm chủng: nhập lại cùng tệp không tạo thêm mũi',
    cccd: 'Số CCCD 12 chữ số (tìm người trong sổ dân theo CCCD)',
    person_key: 'Không bắt buộc: mã người trong sổ dân của tỉnh, khi không có CCCD',
    full_name: 'Họ và tên: khi không có CCCD, tìm theo Họ và tên + Ngày sinh + Mã xã',
    birth_date: 'dd/mm/yyyy',
    commune_code: 'Mã xã nơi cư trú (mã đơn vị hành chính)',
    product: 'AstraZeneca, Pfizer, Moderna, Vero Cell, Sputnik V, Janssen, Abdala, Hayat-Vax',
    lot_number: 'Số lô: phải có trong danh mục lô vắc xin của tỉnh',
    dose: '1, 2, 3 (mũi cơ bản theo vắc xin), "bổ sung", "nhắc lại 1", "nhắc lại 2"',
    given_on: 'dd/mm/yyyy, không ở tương lai, không trước ngày sinh',
    site: 'Tên cơ sở tiêm chủng',
    vaccinator: 'Người tiêm',
    override_reason: 'Chỉ khi tiêm sớm hơn khoảng cách tối thiểu: lý do (mũi được đánh dấu)',
  };
  for (const c of DOSE_IMPORT_COLUMNS) help.addRow([DOSE_COLUMN_LABELS[c].vi, meaning[c]]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const routes: FastifyPluginAsync = async (app) => {
  const canImport = { preHandler: app.requirePermission('vaccination.import') };
  const running = new Set<Promise<unknown>>();

  app.addHook('onReady', async () => {
    // Staging tables of imports a stopped process left behind (on PostgreSQL only those of jobs no longer running).
    if (app.db.kind === 'pglite') await dropStaleStaging(app.db).catch((err) => app.log.warn({ err }, 'could not drop stale dose import tables'));
  });
  app.addHook('onClose', async () => {
    await Promise.allSettled([...running]);
  });

  app.post(
    '/vaccination/imports',
    {
      ...canImport,
      schema: {
        tags: ['vaccination'],
        summary: "Import dose records from the national vaccination platform's export (CSV UTF-8 or XLSX) as a background job: 202 {jobId}",
        description:
          'multipart/form-data with one field `file`. Columns found by name (Vietnamese or English headers, see GET /api/vaccination/imports/template.csv): ' +
          'Mã mũi tiêm/record id (the platform\'s id: a re-import finds it), Số CCCD/cccd, Mã người trong sổ dân/registry key, Họ và tên, Ngày sinh, Mã xã, ' +
          'Tên vắc xin/vaccine, Số lô/lot number, Mũi tiêm/dose (1, 2, 3, bổ sung, nhắc lại 1/2), Ngày tiêm/date given, Cơ sở tiêm chủng/site, Người tiêm/vaccinator, ' +
          'Lý do tiêm sớm/override reason. The person is found by CCCD, else registry key, else name + birth date + commune. ' +
          `The file is checked (format, header) before answering 202; follow GET /api/vaccination/imports/{id}. Up to ${MAX_UPLOAD_BYTES / 1024 / 1024} MiB.`,
        consumes: ['multipart/form-data'],
        body: { content: { 'multipart/form-data': { schema: { type: ['object', 'null'], properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] } } } },
        response: { 202: Type.Object({ jobId: Type.Number() }) },
      },
    },
    async (req, reply) => {
      const user = req.user!;
      const upload = await receiveUpload(req, 'chongdich-doses-');
      const importer: DoseImporter = { provinceCode: user.provinceCode, jurisdictionPath: user.unitPath, userId: user.id, username: user.username, via: 'web', req };
      let checked: CheckedDoseFile;
      let jobId: number;
      try {
        checked = await checkDoseFile(upload.path, upload.filename);
        jobId = await createDoseJob(app.db, importer, upload.filename, upload.sha256);
      } catch (e) {
        await upload.cleanup();
        throw e;
      }
      const run = enqueueImport(() => runDoseImport(app.db, importer, jobId, checked))
        .catch((err) => req.log.error({ err, jobId }, 'dose import crashed'))
        .finally(() => upload.cleanup());
      running.add(run);
      void run.finally(() => running.delete(run));
      return reply.code(202).send({ jobId });
    },
  );

  app.get(
    '/vaccination/imports/template.csv',
    { ...canImport, schema: { tags: ['vaccination'], summary: 'The template of a dose import (CSV UTF-8, or Excel with ?format=xlsx): the columns with example rows' , querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('xlsx')])) }) } },
    async (req, reply) => {
      if ((req.query as { format?: string }).format === 'xlsx')
        return reply.header('Content-Type', XLSX).header('Content-Disposition', 'attachment; filename="mau-nhap-mui-tiem.xlsx"').send(await templateXlsx());
      return reply.header('Content-Type', 'text/csv; charset=utf-8').header('Content-Disposition', 'attachment; filename="mau-nhap-mui-tiem.csv"').send(UTF8_BOM + templateCsv());
    },
  );

  app.get(
    '/vaccination/imports',
    { ...canImport, schema: { tags: ['vaccination'], summary: 'The 50 most recent dose imports in your jurisdiction', response: { 200: Type.Object({ items: Type.Array(ImportJobSchema) }) } } },
    async (req) => ({ items: (await listJobs(app.db, jobScope(req), 500)).filter((j) => j.kind === DOSE_IMPORT_KIND).slice(0, 50).map(present) }),
  );

  app.get(
    '/vaccination/imports/:id',
    { ...canImport, schema: { tags: ['vaccination'], summary: 'A dose import: status, progress (processedRows of totalRows, the step in message while running) and counts', params: JobId, response: { 200: ImportJobSchema } } },
    async (req) => {
      const job = await getJob(app.db, jobScope(req), (req.params as { id: number }).id);
      if (!job || job.kind !== DOSE_IMPORT_KIND) throw notFound();
      return present(job);
    },
  );

  app.get(
    '/vaccination/imports/:id/errors.csv',
    {
      ...canImport,
      schema: {
        tags: ['vaccination'],
        summary: 'The refused rows of a dose import, one line per row with its problems and original values (CSV, or Excel with ?format=xlsx)',
        params: JobId,
        querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('xlsx')])) }),
      },
    },
    async (req, reply) => {
      const { id } = req.params as { id: number };
      const format = (req.query as { format?: 'csv' | 'xlsx' }).format ?? 'csv';
      const job = await getJob(app.db, jobScope(req), id);
      const errors = job?.kind === DOSE_IMPORT_KIND ? await getJobErrors(app.db, jobScope(req), id) : null;
      if (!errors) throw notFound();
      // The error file holds people's CCCDs, names and birth dates.
      await audit(app.db, req, { action: 'export', entity: 'import_job', entityId: id, details: { errors: format, kind: DOSE_IMPORT_KIND } });
      const csv = errors.errorsCsv ?? EMPTY_ERRORS;
      const name = `loi-nhap-mui-tiem-${id}`;
      if (format === 'xlsx') return reply.header('Content-Type', XLSX).header('Content-Disposition', `attachment; filename="${name}.xlsx"`).send(await errorsWorkbook(csv));
      return reply.header('Content-Type', 'text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="${name}.csv"`).send(UTF8_BOM + csv);
    },
  );
};

export default routes;
