// HTTP for registry imports: upload a file (the import then runs in the background), follow the
// job, download the refused rows as CSV or Excel.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { notFound } from '../../errors.ts';
import { audit } from '../../plugins/audit.ts';
import { MAX_UPLOAD_BYTES } from '../../app.ts';
import { receiveUpload, errorsWorkbook } from '../../uploads.ts';
import { checkPeopleFile, createPeopleJob, enqueueImport, runPeopleImport, type CheckedFile, type Importer } from './service.ts';
import * as store from './store.ts';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
export const ImportJobSchema = Type.Object({
  id: Type.Number(),
  kind: Type.String(),
  filename: Nullable(Type.String()),
  status: Type.Union([Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
  totalRows: Type.Number(),
  processedRows: Type.Number(),
  insertedRows: Type.Number(),
  updatedRows: Type.Number(),
  unchangedRows: Type.Number(),
  errorRows: Type.Number(),
  message: Nullable(Type.String()),
  startedAt: Type.String({ format: 'date-time' }),
  finishedAt: Nullable(Type.String({ format: 'date-time' })),
});

const JobId = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const EMPTY_ERRORS = 'Dòng,Cột,Mã lỗi,Lỗi\r\n';
const UTF8_BOM = '\uFEFF';

const iso = (d: unknown) => (d instanceof Date ? d.toISOString() : d == null ? null : new Date(String(d)).toISOString());
const present = (j: store.JobRow) => ({ ...j, startedAt: iso(j.startedAt)!, finishedAt: iso(j.finishedAt) });
const jobScope = (req: FastifyRequest): store.JobScope => ({ provinceCode: req.user!.provinceCode, path: req.user!.unitPath });

const routes: FastifyPluginAsync = async (app) => {
  const canImport = { preHandler: app.requirePermission('people.import') };
  const running = new Set<Promise<unknown>>();

  // With the embedded database no other process can be running a job left 'running'.
  if (app.db.kind === 'pglite') await store.failInterruptedJobs(app.db, 'Bị gián đoạn do máy chủ khởi động lại / interrupted by a restart');
  // Indexes a bulk import put off and could not build again (the process stopped) are built before serving.
  const rebuilt = app.db.kind === 'pglite' || app.db.kind === 'postgres' ? await store.restoreDeferredIndexes(app.db, 2) : []; // none for the OpenAPI generator
  if (rebuilt.length) app.log.warn({ indexes: rebuilt }, 'built the indexes an interrupted import had put off');
  app.addHook('onClose', async () => {
    await Promise.allSettled([...running]);
  });

  app.post(
    '/imports/people',
    {
      ...canImport,
      schema: {
        tags: ['imports'],
        summary: 'Import the population registry from a CSV (UTF-8) or XLSX file',
        description:
          'multipart/form-data with one field `file`. Columns (Vietnamese or English headers): Số CCCD/cccd, Họ và tên/full_name, Ngày sinh/birth_date, ' +
          'Giới tính/sex, Số điện thoại/phone, Mã xã/commune_code, Thôn/village, Mã hộ/household_id, Địa chỉ/address. ' +
          `The file is checked (format, header) before answering 202; the rows are then imported in the background: poll GET /api/imports/{id}. Up to ${MAX_UPLOAD_BYTES / 1024 / 1024} MiB.`,
        consumes: ['multipart/form-data'],
        // For the OpenAPI document: the multipart body is read by req.file(), so there is nothing to validate (null).
        body: {
          content: {
            'multipart/form-data': {
              schema: { type: ['object', 'null'], properties: { file: { type: 'string', format: 'binary', description: 'CSV (UTF-8) or .xlsx' } }, required: ['file'] },
            },
          },
        },
        response: { 202: Type.Object({ jobId: Type.Number() }) },
      },
    },
    async (req, reply) => {
      const user = req.user!;
      const upload = await receiveUpload(req, 'chongdich-import-');
      const importer: Importer = { provinceCode: user.provinceCode, jurisdictionPath: user.unitPath, userId: user.id, via: 'web', req };
      let checked: CheckedFile;
      let jobId: number;
      try {
        checked = { ...(await checkPeopleFile(upload.path)), filename: upload.filename };
        jobId = await createPeopleJob(app.db, importer, upload.filename, upload.sha256);
      } catch (e) {
        await upload.cleanup();
        throw e;
      }
      const run = enqueueImport(() => runPeopleImport(app.db, importer, jobId, checked))
        .catch((err) => req.log.error({ err, jobId }, 'people import crashed'))
        .finally(() => upload.cleanup());
      running.add(run);
      void run.finally(() => running.delete(run));
      return reply.code(202).send({ jobId });
    },
  );

  app.get(
    '/imports',
    {
      ...canImport,
      schema: { tags: ['imports'], summary: 'The 50 most recent import jobs in your jurisdiction', response: { 200: Type.Object({ items: Type.Array(ImportJobSchema) }) } },
    },
    async (req) => ({ items: (await store.listJobs(app.db, jobScope(req), 50)).map(present) }),
  );

  app.get(
    '/imports/:id',
    {
      ...canImport,
      schema: { tags: ['imports'], summary: 'An import job: status, progress and counts', params: JobId, response: { 200: ImportJobSchema } },
    },
    async (req) => {
      const job = await store.getJob(app.db, jobScope(req), (req.params as { id: number }).id);
      if (!job) throw notFound();
      return present(job);
    },
  );

  app.get(
    '/imports/:id/errors.csv',
    {
      ...canImport,
      schema: {
        tags: ['imports'],
        summary: 'The refused rows of an import, one line per row with its problems and original values (CSV, or Excel with ?format=xlsx)',
        params: JobId,
        querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('xlsx')])) }),
      },
    },
    async (req, reply) => {
      const { id } = req.params as { id: number };
      const format = (req.query as { format?: 'csv' | 'xlsx' }).format ?? 'csv';
      const job = await store.getJobErrors(app.db, jobScope(req), id);
      if (!job) throw notFound();
      const csv = job.errorsCsv ?? EMPTY_ERRORS;
      await audit(app.db, req, { action: 'export', entity: 'import_job', entityId: id, details: { errors: format } });
      const name = `loi-nhap-du-lieu-${id}`;
      if (format === 'xlsx') {
        return reply
          .header('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header('Content-Disposition', `attachment; filename="${name}.xlsx"`)
          .send(await errorsWorkbook(csv));
      }
      // The BOM lets Excel read the Vietnamese text as UTF-8.
      return reply
        .header('Content-Type', 'text/csv; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="${name}.csv"`)
        .send(UTF8_BOM + csv);
    },
  );
};
export default routes;
