// HTTP for testing and lab (docs/testing.md): sampling plans and their site lists, collection
// events, barcodes and labels, specimens and pools, lab worklists, results one by one and by
// import, conflicts, follow-ups of positive pools, rapid tests and citizens' self-reports, the
// capacity dashboard and the checkpoint lookup.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { AppError, badRequest, notFound } from '../../errors.ts';
import { audit } from '../../plugins/audit.ts';
import { receiveUpload, errorsWorkbook } from '../../uploads.ts';
import { can, type Permission } from '../../../domain/access/roles.ts';
import { scopeOf } from '../units/routes.ts';
import { getJob, getJobErrors, listJobs } from '../imports/store.ts';
import { validateCccd } from '../../../domain/people/normalize.ts';
import { advisePoolSize, maxPoolSize, type PoolSizePolicy } from '../../../domain/testing/pooling.ts';
import { sampleSize, sampleSizeLarge, validateDesign } from '../../../domain/testing/sampleSize.ts';
import { interpretResult, RESULT_ISSUE_MESSAGES, type Outcome, type PcrInterpretation } from '../../../domain/testing/results.ts';
import { normalizeBarcode } from '../../../domain/testing/barcode.ts';
import { normalizePlate } from '../../../domain/testing/plate.ts';
import { nextFollowUpState } from '../../../domain/testing/followUp.ts';
import { actorOf, fieldError, policy, todayInVietnam, unitIn } from './common.ts';
import { closePlan, createPlan, drawPlan, getPlan, listPlans, planWorkbook, sitePeople, updatePlan, type PlanInput, type PlanPatch } from './plans.ts';
import {
  addPoolMember,
  closeEvent,
  createEvent,
  createLab,
  createPool,
  getEvent,
  getLab,
  getPool,
  getSpecimen,
  listEvents,
  listLabs,
  listPools,
  listSpecimens,
  registerSpecimen,
  rejectSpecimen,
  removePoolMember,
  requireLab,
  reserveBarcodes,
  riskOfUnit,
  scanBarcode,
  sealPool,
  type EventInput,
  type SpecimenInput,
} from './collection.ts';
import { applyResults, listConflicts, resolveConflict } from './labResults.ts';
import { checkResultsFile, createResultsJob, enqueueImport, runResultsImport, type ResultsImporter } from './resultImport.ts';
import { labWorklist, listFollowUps } from './worklists.ts';
import { getRapid, listRapid, rapidPhoto, recordRapidTest, selfReport, type RapidInput, type SelfReportInput } from './rapid.ts';
import { dashboard, strataPositivity } from './dashboard.ts';
import { validResults } from './lookup.ts';
import { renderLabels, type Label } from './labelPdf.ts';
import { completeOpenTasks } from './tasks.ts';
import type { Queryable } from '../../db/index.ts';
import { TESTING_POLICY_DEFINITIONS } from '../../../domain/testing/policies.ts';
import { seedMissingPolicies } from '../policies/missing.ts';

/** Default versions of the testing policies for provinces that have no version of a key yet. */
export async function seedMissingTestingPolicies(q: Queryable) {
  await seedMissingPolicies(q, [...TESTING_POLICY_DEFINITIONS.map((d) => d.key), 'testing.pool_max_size', 'checkpoint.test_validity_hours']);
}

const DateString = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', format: 'date' });
const Instant = Type.String({ format: 'date-time' });
const Id = Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 });
const IdParam = Type.Object({ id: Id });
const Code = Type.String({ pattern: '^[A-Za-z0-9-]{1,40}$' });
const BarcodeText = Type.String({ minLength: 1, maxLength: 64 });
const Note = Type.Union([Type.String({ maxLength: 2000 }), Type.Null()]);
const Name = Type.String({ minLength: 2, maxLength: 200 });
const Probability = Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 });
const Sensitivity = Type.Number({ exclusiveMinimum: 0, maximum: 1 });
const IdempotencyKey = Type.String({ minLength: 8, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$' });
const OutcomeSchema = Type.Union(['positive', 'negative', 'invalid'].map((s) => Type.Literal(s)));
const Limit = (max: number, dflt: number) => Type.Optional(Type.Integer({ minimum: 1, maximum: max, default: dflt }));
const Photo = Type.Object(
  { contentType: Type.Union(['image/jpeg', 'image/png', 'image/webp'].map((s) => Type.Literal(s))), dataBase64: Type.String({ minLength: 4, maxLength: 3_000_000 }) },
  { additionalProperties: false, description: 'A photo of the test cassette, at most 2 MiB' },
);
const NewSubject = Type.Object(
  { fullName: Name, cccd: Type.Optional(Type.Union([Type.String({ maxLength: 20 }), Type.Null()])), phone: Type.Optional(Type.Union([Type.String({ maxLength: 20 }), Type.Null()])) },
  { additionalProperties: false, description: 'Someone not found in the registry (a driver from another province): name with a CCCD and/or a vehicle plate' },
);

const StratumBody = Type.Object(
  {
    name: Name,
    kind: Type.Union(['residents', 'zone_residents', 'listed', 'on_site'].map((s) => Type.Literal(s))),
    riskWeight: Type.Number({ minimum: 0, maximum: 100 }),
    population: Type.Object(
      {
        unitCode: Type.Optional(Code),
        ageMin: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 120 }), Type.Null()])),
        ageMax: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 120 }), Type.Null()])),
        zoneId: Type.Optional(Id),
        personIds: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: 20_000 })),
        estimatedSize: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 10_000_000 }), Type.Null()])),
        description: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
      },
      { additionalProperties: false, description: 'residents: unitCode (+ ageMin/ageMax) · zone_residents: zoneId · listed: personIds · on_site: estimatedSize (+ description)' },
    ),
    site: Type.Optional(Type.Union([Type.Object({ name: Name, unitCode: Code, address: Type.Optional(Note) }, { additionalProperties: false }), Type.Null()])),
    chosenSize: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 1_000_000 }), Type.Null()])),
  },
  { additionalProperties: false },
);

const PlanBody = Type.Object(
  {
    name: Name,
    planDate: DateString,
    unitCode: Code,
    budget: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    designPrevalence: Type.Optional(Probability),
    confidence: Type.Optional(Probability),
    sensitivity: Type.Optional(Sensitivity),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 4294967295 })),
    note: Type.Optional(Note),
    strata: Type.Array(StratumBody, { minItems: 1, maxItems: 50 }),
  },
  { additionalProperties: false },
);

const PlanPatchBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    name: Type.Optional(Name),
    budget: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    designPrevalence: Type.Optional(Probability),
    confidence: Type.Optional(Probability),
    sensitivity: Type.Optional(Sensitivity),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 4294967295 })),
    note: Type.Optional(Note),
    strata: Type.Optional(
      Type.Array(
        Type.Object(
          { id: Id, riskWeight: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })), chosenSize: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 1_000_000 }), Type.Null()])) },
          { additionalProperties: false },
        ),
        { maxItems: 50 },
      ),
    ),
  },
  { additionalProperties: false },
);

const UTF8_BOM = '\uFEFF';
const EMPTY_ERRORS = 'Dòng,Cột,Mã lỗi,Lỗi\r\n';

const sendPdf = (reply: FastifyReply, pdf: Buffer, name: string) =>
  reply.header('content-type', 'application/pdf').header('content-disposition', `inline; filename="${name}.pdf"`).header('cache-control', 'no-store').send(pdf);

const birthYear = (d: string | null) => (d ? d.slice(0, 4) : null);
const dmy = (d: string) => d.slice(0, 10).split('-').reverse().join('/');

/** A result's HTTP answer: 201 new, 200 unchanged, 409 held as a conflict, 400/409 refused. */
function resultError(issue: string, conflictId?: number): AppError {
  if (issue === 'result_conflict') return new AppError(409, 'conflict', [{ field: 'barcode', code: 'result_conflict', message: conflictId != null ? String(conflictId) : undefined }]);
  const status = ['unknown_barcode', 'duplicate_in_batch', 'tested_before_collection'].includes(issue) ? 400 : 409;
  return new AppError(status, status === 400 ? 'validation' : 'conflict', [{ field: issue === 'tested_before_collection' ? 'testedAt' : 'barcode', code: issue, message: RESULT_ISSUE_MESSAGES[issue]?.vi }]);
}

const routes: FastifyPluginAsync = async (app) => {
  const need = (p: Permission) => ({ onRequest: app.requirePermission(p) });
  const read = need('testing.read');
  const plan = need('testing.plan');
  const collect = need('testing.collect');
  const lab = need('testing.lab');
  const lookup = need('testing.lookup');
  /** Pools are composed at the site (collection teams) or in the lab. */
  const pooling = {
    onRequest: async (req: FastifyRequest) => {
      const u = app.requireUser(req);
      if (!can(u.role, 'testing.collect') && !can(u.role, 'testing.lab')) throw new AppError(403, 'forbidden');
    },
  };
  const running = new Set<Promise<unknown>>();
  // A database made before the testing area has none of its policies: their defaults are added
  // (only for keys a province has no version of, so nothing an administrator set is touched).
  app.addHook('onReady', async () => {
    if (app.db.kind === 'pglite' || app.db.kind === 'postgres') await app.db.tx((q) => seedMissingTestingPolicies(q)); // not for the OpenAPI generator
  });
  app.addHook('onClose', async () => {
    await Promise.allSettled([...running]);
  });
  const unitPathOf = async (req: FastifyRequest, code?: string) => (code ? (await unitIn(app.db, scopeOf(req), code)).path : scopeOf(req).path);

  // ---- Calculators ----
  app.get(
    '/testing/pool-advisor',
    {
      ...read,
      schema: {
        tags: ['testing'],
        summary: 'Pool size advice (Dorfman): expected tests per person and the saving for an estimated prevalence, within the maximum pool size of the area',
        querystring: Type.Object({ prevalence: Type.Number({ minimum: 0, maximum: 1 }), unit: Type.Optional(Code), risk: Type.Optional(Type.Union([Type.Literal('low'), Type.Literal('high')])) }),
      },
    },
    async (req) => {
      const { prevalence, unit, risk } = req.query as { prevalence: number; unit?: string; risk?: 'low' | 'high' };
      const scope = scopeOf(req);
      const today = todayInVietnam();
      const sizes = await policy<PoolSizePolicy>(app.db, scope.provinceCode, 'testing.pool_max_size', today);
      let areaRisk: 'low' | 'high' = risk ?? 'low';
      let reason: string | null = null;
      if (unit) {
        const r = await riskOfUnit(app.db, scope.provinceCode, (await unitIn(app.db, scope, unit)).path, today);
        areaRisk = r.risk;
        reason = r.reason;
      }
      const max = maxPoolSize(sizes.value, areaRisk);
      return { ...advisePoolSize(prevalence, max), areaRisk, riskReason: reason, policy: { key: 'testing.pool_max_size', version: sizes.version, source: sizes.source } };
    },
  );

  app.post(
    '/testing/sample-size',
    {
      ...read,
      schema: {
        tags: ['testing'],
        summary: 'Freedom-from-disease sample size for a design (nothing saved): finite population (Cannon & Roe) when population is given, else the large-population formula',
        body: Type.Object({ confidence: Probability, prevalence: Probability, sensitivity: Sensitivity, population: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 100_000_000 }), Type.Null()])) }, { additionalProperties: false }),
      },
    },
    async (req) => {
      const b = req.body as { confidence: number; prevalence: number; sensitivity: number; population?: number | null };
      const errors = validateDesign(b, b.population ?? null);
      if (errors.length) throw badRequest(errors);
      return { n: sampleSize(b, b.population ?? null), large: sampleSizeLarge(b), formula: b.population == null ? 'large_population' : 'finite_population' };
    },
  );

  // ---- Labs ----
  app.get('/testing/labs', { ...read, schema: { tags: ['testing'], summary: 'Laboratories of the province with their daily capacity' } }, async (req) => listLabs(app.db, req.user!.provinceCode));

  app.post(
    '/testing/labs',
    {
      ...lab,
      schema: {
        tags: ['testing'],
        summary: 'Register a laboratory',
        body: Type.Object(
          { name: Name, unitCode: Code, address: Type.Optional(Note), capacitySingle: Type.Integer({ minimum: 0, maximum: 1_000_000 }), capacityPooled: Type.Integer({ minimum: 0, maximum: 10_000_000 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => reply.status(201).send(await app.db.tx((q) => createLab(q, req, scopeOf(req), actorOf(req), req.body as Parameters<typeof createLab>[4]))),
  );

  app.get(
    '/testing/labs/:id/worklist',
    { ...lab, schema: { tags: ['testing'], summary: "A lab's worklist: sealed pools, single specimens and re-tests of positive pools' members, oldest first, overdue flagged", params: IdParam, querystring: Type.Object({ limit: Limit(5000, 500) }) } },
    async (req) => {
      const { id } = req.params as { id: number };
      const l = await getLab(app.db, req.user!.provinceCode, id);
      if (!l) throw notFound();
      const w = await labWorklist(app.db, scopeOf(req), id, (req.query as { limit?: number }).limit ?? 500);
      await audit(app.db, req, { action: 'read', entity: 'lab_worklist', entityId: id, details: { items: w.items.length } });
      return { lab: l, ...w };
    },
  );

  // ---- Sampling plans ----
  app.get(
    '/testing/plans',
    {
      ...read,
      schema: {
        tags: ['testing'],
        summary: 'Sampling plans in the jurisdiction, newest first',
        querystring: Type.Object({ unit: Type.Optional(Code), from: Type.Optional(DateString), to: Type.Optional(DateString), status: Type.Optional(Type.Union(['draft', 'drawn', 'closed'].map((s) => Type.Literal(s)))), limit: Limit(500, 100) }),
      },
    },
    async (req) => {
      const f = req.query as { unit?: string; from?: string; to?: string; status?: string; limit?: number };
      return listPlans(app.db, scopeOf(req), { unitPath: await unitPathOf(req, f.unit), from: f.from, to: f.to, status: f.status, limit: f.limit ?? 100 });
    },
  );

  app.post('/testing/plans', { ...plan, schema: { tags: ['testing'], summary: 'Create a sampling plan with its strata; sizes are proposed at once (freedom from disease, budget shared by risk weight)', body: PlanBody } }, async (req, reply) =>
    reply.status(201).send(await app.db.tx((q) => createPlan(q, req, scopeOf(req), actorOf(req), req.body as PlanInput))),
  );

  app.get('/testing/plans/:id', { ...read, schema: { tags: ['testing'], summary: 'A plan with its strata (population, required, proposed and chosen sizes, confidence), sites and progress', params: IdParam } }, async (req) => {
    const p = await getPlan(app.db, scopeOf(req), (req.params as { id: number }).id);
    if (!p) throw notFound();
    return p;
  });

  app.patch(
    '/testing/plans/:id',
    { ...plan, schema: { tags: ['testing'], summary: 'Edit a draft plan (budget, design, seed, risk weights, chosen sizes); sizes are proposed again. Send the version you read', params: IdParam, body: PlanPatchBody } },
    async (req) => app.db.tx((q) => updatePlan(q, req, scopeOf(req), (req.params as { id: number }).id, req.body as PlanPatch)),
  );

  app.post(
    '/testing/plans/:id/draw',
    { ...plan, schema: { tags: ['testing'], summary: "Draw the plan's people from the registry with its seed (reproducible) and assign them to sampling sites", params: IdParam, body: Type.Object({ version: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }) } },
    async (req) => app.db.tx((q) => drawPlan(q, req, scopeOf(req), actorOf(req), (req.params as { id: number }).id, (req.body as { version: number }).version)),
  );

  app.post(
    '/testing/plans/:id/close',
    { ...plan, schema: { tags: ['testing'], summary: 'Close a plan', params: IdParam, body: Type.Object({ version: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }) } },
    async (req) => app.db.tx((q) => closePlan(q, req, scopeOf(req), (req.params as { id: number }).id, (req.body as { version: number }).version)),
  );

  app.get(
    '/testing/plans/:id/people',
    { ...read, schema: { tags: ['testing'], summary: 'The people drawn, per sampling site (all sites without ?site)', params: IdParam, querystring: Type.Object({ site: Type.Optional(Id), limit: Limit(5000, 500), offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })) }) } },
    async (req) => {
      const { id } = req.params as { id: number };
      const { site, limit = 500, offset = 0 } = req.query as { site?: number; limit?: number; offset?: number };
      const res = await sitePeople(app.db, scopeOf(req), id, site ?? null, limit, offset);
      await audit(app.db, req, { action: 'read', entity: 'sampling_list', entityId: id, outcome: res ? 'ok' : 'not_found', details: { site: site ?? null, count: res?.items.length ?? 0 } });
      if (!res) throw notFound();
      return res;
    },
  );

  app.get(
    '/testing/plans/:id/lists.xlsx',
    { ...read, schema: { tags: ['testing'], summary: 'The site lists as an Excel workbook (one sheet per site)', params: IdParam, querystring: Type.Object({ site: Type.Optional(Id) }) } },
    async (req, reply) => {
      const { id } = req.params as { id: number };
      const { site } = req.query as { site?: number };
      const wb = await planWorkbook(app.db, scopeOf(req), id, site ?? null);
      await audit(app.db, req, { action: 'export', entity: 'sampling_list', entityId: id, outcome: wb ? 'ok' : 'not_found', details: { site: site ?? null, people: wb?.people ?? 0 } });
      if (!wb) throw notFound();
      return reply
        .header('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('Content-Disposition', `attachment; filename="danh-sach-lay-mau-${id}${site ? '-' + site : ''}.xlsx"`)
        .send(wb.buffer);
    },
  );

  // ---- Collection events ----
  app.get(
    '/testing/events',
    { ...read, schema: { tags: ['testing'], summary: 'Sampling sessions in the jurisdiction', querystring: Type.Object({ unit: Type.Optional(Code), from: Type.Optional(DateString), to: Type.Optional(DateString), planId: Type.Optional(Id), limit: Limit(500, 100) }) } },
    async (req) => {
      const f = req.query as { unit?: string; from?: string; to?: string; planId?: number; limit?: number };
      return listEvents(app.db, scopeOf(req), { unitPath: await unitPathOf(req, f.unit), from: f.from, to: f.to, planId: f.planId, limit: f.limit ?? 100 });
    },
  );

  app.post(
    '/testing/events',
    {
      ...collect,
      schema: {
        tags: ['testing'],
        summary: 'Open a sampling session: site, team, date, the plan it carries out and the lab the samples go to',
        body: Type.Object(
          {
            eventDate: DateString,
            siteName: Name,
            unitCode: Code,
            team: Type.Optional(Note),
            planId: Type.Optional(Type.Union([Id, Type.Null()])),
            siteId: Type.Optional(Type.Union([Id, Type.Null()])),
            labId: Type.Optional(Type.Union([Id, Type.Null()])),
            defaultKind: Type.Optional(Type.Union([Type.Literal('single'), Type.Literal('pool_member')])),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => reply.status(201).send(await app.db.tx((q) => createEvent(q, req, scopeOf(req), actorOf(req), req.body as EventInput))),
  );

  app.get('/testing/events/:id', { ...read, schema: { tags: ['testing'], summary: 'A session with its specimens and pools', params: IdParam } }, async (req) => {
    const { id } = req.params as { id: number };
    const scope = scopeOf(req);
    const e = await getEvent(app.db, scope, id);
    if (!e) throw notFound();
    const [specimens, pools] = await Promise.all([listSpecimens(app.db, scope, { eventId: id, limit: 5000, offset: 0 }), listPools(app.db, scope, { eventId: id, limit: 1000 })]);
    await audit(app.db, req, { action: 'read', entity: 'collection_event', entityId: id, details: { specimens: specimens.items.length } });
    const { unitPath: _p, ...event } = e;
    void _p;
    return { event, specimens: specimens.items, pools };
  });

  app.post('/testing/events/:id/close', { ...collect, schema: { tags: ['testing'], summary: 'Close a session (no more specimens)', params: IdParam } }, async (req) =>
    app.db.tx((q) => closeEvent(q, req, scopeOf(req), (req.params as { id: number }).id)),
  );

  app.get('/testing/events/:id/labels.pdf', { ...collect, schema: { tags: ['testing'], summary: "Barcode labels of a session's specimens and pools (A4, 3 × 8 labels of 70 × 37 mm)", params: IdParam } }, async (req, reply) => {
    const { id } = req.params as { id: number };
    const scope = scopeOf(req);
    const e = await getEvent(app.db, scope, id);
    if (!e) throw notFound();
    const [specimens, pools] = await Promise.all([listSpecimens(app.db, scope, { eventId: id, limit: 5000, offset: 0 }), listPools(app.db, scope, { eventId: id, limit: 1000 })]);
    const labels: Label[] = [
      ...specimens.items.reverse().map((s) => ({ barcode: s.barcode, line1: s.subjectName, line2: [birthYear(s.birthDate), e.siteName, dmy(e.eventDate)].filter(Boolean).join(' · ') })),
      ...pools.map((p) => ({ barcode: p.barcode, line1: `Mẫu gộp (tối đa ${p.maxSize})`, line2: `${e.siteName} · ${dmy(e.eventDate)}` })),
    ];
    await audit(app.db, req, { action: 'export', entity: 'collection_event', entityId: id, details: { document: 'labels', labels: labels.length } });
    return sendPdf(reply, await renderLabels(labels), `nhan-ma-vach-${id}`);
  });

  // ---- Barcodes and labels ----
  app.post(
    '/testing/barcodes',
    {
      ...collect,
      schema: {
        tags: ['testing'],
        summary: 'Reserve new barcodes to print labels ahead of a session (they become specimens or pools when scanned)',
        body: Type.Object({ kind: Type.Union([Type.Literal('specimen'), Type.Literal('pool')]), count: Type.Integer({ minimum: 1, maximum: 1000 }) }, { additionalProperties: false }),
      },
    },
    async (req, reply) => {
      const b = req.body as { kind: 'specimen' | 'pool'; count: number };
      return reply.status(201).send({ kind: b.kind, barcodes: await app.db.tx((q) => reserveBarcodes(q, req, scopeOf(req), actorOf(req), b.kind, b.count)) });
    },
  );

  app.get(
    '/testing/labels.pdf',
    {
      ...collect,
      schema: { tags: ['testing'], summary: 'Labels for given barcodes (comma-separated): the person or pool is printed when the code is one of yours', querystring: Type.Object({ barcodes: Type.String({ minLength: 1, maxLength: 20_000 }) }) },
    },
    async (req, reply) => {
      const scope = scopeOf(req);
      const raw = (req.query as { barcodes: string }).barcodes.split(',').map((s) => s.trim()).filter(Boolean);
      if (raw.length > 500) throw badRequest([{ field: 'barcodes', code: 'too_many', message: '500' }]);
      const codes = raw.map((c, i) => {
        const n = normalizeBarcode(c);
        if (!n) throw badRequest([{ field: `barcodes.${i}`, code: 'barcode_invalid' }]);
        return n;
      });
      const labels: Label[] = [];
      for (const c of codes) {
        const found = await scanBarcode(app.db, scope, c);
        if (found?.type === 'specimen') labels.push({ barcode: c, line1: found.specimen.subjectName, line2: [birthYear(found.specimen.birthDate), found.specimen.siteName].filter(Boolean).join(' · ') });
        else if (found?.type === 'pool') labels.push({ barcode: c, line1: `Mẫu gộp (tối đa ${found.pool.maxSize})`, line2: found.pool.unitName });
        else labels.push({ barcode: c, line1: null, line2: null });
      }
      await audit(app.db, req, { action: 'export', entity: 'test_barcode', details: { document: 'labels', labels: labels.length } });
      return sendPdf(reply, await renderLabels(labels), 'nhan-ma-vach');
    },
  );

  app.get('/testing/scan/:barcode', { ...read, schema: { tags: ['testing'], summary: 'What a scanned barcode is: a specimen, a pool, or a label printed but not used yet', params: Type.Object({ barcode: BarcodeText }) } }, async (req) => {
    const { barcode } = req.params as { barcode: string };
    const found = await scanBarcode(app.db, scopeOf(req), barcode);
    await audit(app.db, req, { action: 'read', entity: 'test_barcode', entityId: barcode.slice(0, 64), outcome: found ? 'ok' : 'not_found' });
    if (!found) throw fieldError(404, 'barcode', 'unknown_barcode');
    return found;
  });

  // ---- Specimens ----
  app.post(
    '/testing/specimens',
    {
      ...collect,
      schema: {
        tags: ['testing'],
        summary: 'Register a specimen at an open session (scanned barcode or a new one); 200 with replayed=true when the same barcode/person or idempotency key was already registered',
        body: Type.Object(
          {
            eventId: Id,
            barcode: Type.Optional(Type.Union([BarcodeText, Type.Null()])),
            personId: Type.Optional(Type.Union([Id, Type.Null()])),
            person: Type.Optional(Type.Union([NewSubject, Type.Null()])),
            vehiclePlate: Type.Optional(Type.Union([Type.String({ maxLength: 20 }), Type.Null()])),
            kind: Type.Optional(Type.Union([Type.Literal('single'), Type.Literal('pool_member')])),
            collectedAt: Type.Optional(Type.Union([Instant, Type.Null()])),
            labId: Type.Optional(Type.Union([Id, Type.Null()])),
            idempotencyKey: Type.Optional(Type.Union([IdempotencyKey, Type.Null()])),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      const res = await app.db.tx((q) => registerSpecimen(q, req, scopeOf(req), actorOf(req), req.body as SpecimenInput));
      return reply.status(res.replayed ? 200 : 201).send(res);
    },
  );

  app.get(
    '/testing/specimens',
    {
      ...read,
      schema: {
        tags: ['testing'],
        summary: 'Specimens in the jurisdiction (where collected or where the person lives)',
        querystring: Type.Object({
          eventId: Type.Optional(Id),
          personId: Type.Optional(Id),
          status: Type.Optional(Type.Union(['collected', 'pooled', 'follow_up', 'resulted', 'rejected'].map((s) => Type.Literal(s)))),
          limit: Limit(1000, 100),
          offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        }),
      },
    },
    async (req) => {
      const f = req.query as { eventId?: number; personId?: number; status?: string; limit?: number; offset?: number };
      const res = await listSpecimens(app.db, scopeOf(req), { ...f, limit: f.limit ?? 100, offset: f.offset ?? 0 });
      await audit(app.db, req, { action: 'search', entity: 'specimen', details: { eventId: f.eventId ?? null, personId: f.personId ?? null, results: res.items.length } });
      return res;
    },
  );

  app.get('/testing/specimens/:id', { ...read, schema: { tags: ['testing'], summary: 'A specimen with its results, conflicts and follow-up', params: IdParam } }, async (req) => {
    const { id } = req.params as { id: number };
    const scope = scopeOf(req);
    const s = await getSpecimen(app.db, scope, id);
    await audit(app.db, req, { action: 'read', entity: 'specimen', entityId: id, outcome: s ? 'ok' : 'not_found' });
    if (!s) throw notFound();
    const [results, conflicts, followUp] = await Promise.all([
      app.db.query(`SELECT id, outcome, ct, tested_at AS "testedAt", lab_id AS "labId", source, current, import_job_id AS "importJobId" FROM test_result WHERE province_code = $1 AND specimen_id = $2 ORDER BY id`, [scope.provinceCode, id]),
      app.db.query(`SELECT id, outcome, ct, status, created_at AS "createdAt" FROM result_conflict WHERE province_code = $1 AND specimen_id = $2 ORDER BY id`, [scope.provinceCode, id]),
      app.db.query(`SELECT id, pool_id AS "poolId", action, status, new_specimen_id AS "newSpecimenId", case_id AS "caseId" FROM follow_up WHERE province_code = $1 AND (specimen_id = $2 OR new_specimen_id = $2)`, [scope.provinceCode, id]),
    ]);
    const num = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, /Id$|^id$/.test(k) && v != null ? Number(v) : v]));
    return { specimen: s, results: results.rows.map(num), conflicts: conflicts.rows.map(num), followUp: followUp.rows[0] ? num(followUp.rows[0]) : null };
  });

  app.post(
    '/testing/specimens/:id/reject',
    { ...collect, schema: { tags: ['testing'], summary: 'Reject a specimen (leaked, unlabelled, too old) before it is pooled or tested', params: IdParam, body: Type.Object({ reason: Type.String({ minLength: 2, maxLength: 500 }) }, { additionalProperties: false }) } },
    async (req) => app.db.tx((q) => rejectSpecimen(q, req, scopeOf(req), (req.params as { id: number }).id, (req.body as { reason: string }).reason)),
  );

  app.get('/testing/specimens/:id/label.pdf', { ...collect, schema: { tags: ['testing'], summary: "A specimen's barcode label", params: IdParam } }, async (req, reply) => {
    const { id } = req.params as { id: number };
    const s = await getSpecimen(app.db, scopeOf(req), id);
    await audit(app.db, req, { action: 'export', entity: 'specimen', entityId: id, outcome: s ? 'ok' : 'not_found', details: { document: 'label' } });
    if (!s) throw notFound();
    return sendPdf(reply, await renderLabels([{ barcode: s.barcode, line1: s.subjectName, line2: [birthYear(s.birthDate), s.siteName, dmy(s.collectedAt)].filter(Boolean).join(' · ') }]), `nhan-${s.barcode}`);
  });

  // ---- Pools ----
  app.post(
    '/testing/pools',
    {
      ...pooling,
      schema: {
        tags: ['testing'],
        summary: 'Start a pool (at a session, or in the lab for a unit); its maximum size follows the policy for the area (higher-risk areas: smaller pools)',
        body: Type.Object(
          {
            labId: Id,
            method: Type.Union([Type.Literal('collection'), Type.Literal('lab')]),
            eventId: Type.Optional(Type.Union([Id, Type.Null()])),
            unitCode: Type.Optional(Type.Union([Code, Type.Null()])),
            barcode: Type.Optional(Type.Union([BarcodeText, Type.Null()])),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => reply.status(201).send(await app.db.tx((q) => createPool(q, req, scopeOf(req), actorOf(req), req.body as Parameters<typeof createPool>[4]))),
  );

  app.get(
    '/testing/pools',
    { ...read, schema: { tags: ['testing'], summary: 'Pools in the jurisdiction', querystring: Type.Object({ eventId: Type.Optional(Id), labId: Type.Optional(Id), status: Type.Optional(Type.Union(['open', 'sealed', 'resulted'].map((s) => Type.Literal(s)))), limit: Limit(1000, 200) }) } },
    async (req) => {
      const f = req.query as { eventId?: number; labId?: number; status?: string; limit?: number };
      return listPools(app.db, scopeOf(req), { ...f, limit: f.limit ?? 200 });
    },
  );

  app.get('/testing/pools/:id', { ...read, schema: { tags: ['testing'], summary: 'A pool with its members, results and follow-up counts', params: IdParam } }, async (req) => {
    const { id } = req.params as { id: number };
    const p = await getPool(app.db, scopeOf(req), id);
    await audit(app.db, req, { action: 'read', entity: 'pool', entityId: id, outcome: p ? 'ok' : 'not_found', details: { members: p?.members.length ?? 0 } });
    if (!p) throw notFound();
    return p;
  });

  app.post(
    '/testing/pools/:id/members',
    { ...pooling, schema: { tags: ['testing'], summary: 'Add a specimen to an open pool by its scanned barcode (unknown barcode, already pooled or pool full: 4xx, nothing written)', params: IdParam, body: Type.Object({ barcode: BarcodeText }, { additionalProperties: false }) } },
    async (req) => app.db.tx((q) => addPoolMember(q, req, scopeOf(req), actorOf(req), (req.params as { id: number }).id, (req.body as { barcode: string }).barcode)),
  );

  app.delete(
    '/testing/pools/:id/members/:specimenId',
    { ...pooling, schema: { tags: ['testing'], summary: 'Take a specimen out of an open pool', params: Type.Object({ id: Id, specimenId: Id }) } },
    async (req) => {
      const { id, specimenId } = req.params as { id: number; specimenId: number };
      return app.db.tx((q) => removePoolMember(q, req, scopeOf(req), id, specimenId));
    },
  );

  app.post('/testing/pools/:id/seal', { ...pooling, schema: { tags: ['testing'], summary: 'Seal a pool: ready for the lab, no more members', params: IdParam } }, async (req) =>
    app.db.tx((q) => sealPool(q, req, scopeOf(req), (req.params as { id: number }).id)),
  );

  app.get('/testing/pools/:id/label.pdf', { ...pooling, schema: { tags: ['testing'], summary: "A pool's barcode label", params: IdParam } }, async (req, reply) => {
    const p = await getPool(app.db, scopeOf(req), (req.params as { id: number }).id);
    if (!p) throw notFound();
    return sendPdf(reply, await renderLabels([{ barcode: p.barcode, line1: `Mẫu gộp: ${p.members.length}/${p.maxSize}`, line2: p.unitName }]), `nhan-${p.barcode}`);
  });

  // ---- Results ----
  app.post(
    '/testing/results',
    {
      ...lab,
      schema: {
        tags: ['testing'],
        summary:
          'Enter one result (a pool or a single specimen, by barcode): 201 recorded, 200 the same result already recorded, 409 a different result held as a conflict for review; outcome from Ct by the policy threshold when only Ct is given',
        body: Type.Object(
          {
            labId: Id,
            barcode: BarcodeText,
            outcome: Type.Optional(OutcomeSchema),
            ct: Type.Optional(Type.Union([Type.Number({ minimum: 0, maximum: 50 }), Type.Null()])),
            testedAt: Type.Optional(Instant),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      const b = req.body as { labId: number; barcode: string; outcome?: Outcome; ct?: number | null; testedAt?: string };
      const scope = scopeOf(req);
      const barcode = normalizeBarcode(b.barcode);
      if (!barcode) throw fieldError(400, 'barcode', 'barcode_invalid');
      if (b.testedAt && Date.parse(b.testedAt) > Date.now() + 10 * 60_000) throw fieldError(400, 'testedAt', 'in_future');
      const res = await app.db.tx(async (q) => {
        await requireLab(q, scope.provinceCode, b.labId);
        const interp = await policy<PcrInterpretation>(q, scope.provinceCode, 'testing.pcr_interpretation', todayInVietnam());
        const r = interpretResult({ outcome: b.outcome ?? null, ct: 'ct' in b ? (b.ct ?? null) : undefined }, interp.value);
        if (!r.ok) throw fieldError(400, r.issue.startsWith('ct') ? 'ct' : 'outcome', r.issue, RESULT_ISSUE_MESSAGES[r.issue]?.vi);
        const [applied] = await applyResults(q, { scope, actor: actorOf(req), req, labId: b.labId, source: 'manual', jobId: null, policyVersion: interp.version }, [
          { barcode, outcome: r.outcome, ct: r.ct, testedAt: b.testedAt ?? null },
        ]);
        return applied;
      });
      if (res.status === 'error') throw resultError(res.issue!);
      if (res.status === 'conflict') throw resultError('result_conflict', res.conflictId);
      return reply.status(res.status === 'unchanged' ? 200 : 201).send(res);
    },
  );

  app.post(
    '/testing/results/import',
    {
      ...lab,
      schema: {
        tags: ['testing'],
        summary: "Import results from a lab machine's export (CSV UTF-8 or XLSX) as a background job: 202 {jobId}, follow GET /api/testing/imports/{id}",
        description:
          'multipart/form-data with one field `file`; the lab is given as ?labId=. Columns found by name (Vietnamese, English or machine export): Mã mẫu/barcode/Sample Name, ' +
          'Kết quả/result, Ct/Cq, Thời gian xét nghiệm/tested_at (dd/mm/yyyy hh:mm, Vietnam time), Target (one row per gene: internal controls are recognised). ' +
          'Rows that cannot be used are listed in the error file; the good rows are imported; importing the same file again changes nothing.',
        consumes: ['multipart/form-data'],
        querystring: Type.Object({ labId: Id }),
        body: { content: { 'multipart/form-data': { schema: { type: ['object', 'null'], properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] } } } },
        response: { 202: Type.Object({ jobId: Type.Number() }) },
      },
    },
    async (req, reply) => {
      const { labId } = req.query as { labId: number };
      const scope = scopeOf(req);
      await requireLab(app.db, scope.provinceCode, labId);
      const upload = await receiveUpload(req, 'chongdich-results-');
      const importer: ResultsImporter = { scope, actor: actorOf(req), labId, req };
      let checked: Awaited<ReturnType<typeof checkResultsFile>>;
      let jobId: number;
      try {
        checked = await checkResultsFile(upload.path, upload.filename);
        jobId = await createResultsJob(app.db, importer, checked, upload.sha256);
      } catch (e) {
        await upload.cleanup();
        throw e;
      }
      const run = enqueueImport(() => runResultsImport(app.db, importer, jobId, checked))
        .catch((err) => req.log.error({ err, jobId }, 'results import crashed'))
        .finally(() => upload.cleanup());
      running.add(run);
      void run.finally(() => running.delete(run));
      return reply.code(202).send({ jobId });
    },
  );

  const jobScope = (req: FastifyRequest) => ({ provinceCode: req.user!.provinceCode, path: req.user!.unitPath });
  const iso = (d: unknown) => (d == null ? null : new Date(String(d instanceof Date ? d.toISOString() : d)).toISOString());

  app.get('/testing/imports', { ...lab, schema: { tags: ['testing'], summary: 'Recent result imports in your jurisdiction' } }, async (req) => ({
    items: (await listJobs(app.db, jobScope(req), 200)).filter((j) => j.kind === 'test_results').slice(0, 50).map((j) => ({ ...j, startedAt: iso(j.startedAt), finishedAt: iso(j.finishedAt) })),
  }));

  app.get('/testing/imports/:id', { ...lab, schema: { tags: ['testing'], summary: 'A result import: status, progress (processedRows of totalRows) and counts', params: IdParam } }, async (req) => {
    const job = await getJob(app.db, jobScope(req), (req.params as { id: number }).id);
    if (!job || job.kind !== 'test_results') throw notFound();
    return { ...job, startedAt: iso(job.startedAt), finishedAt: iso(job.finishedAt) };
  });

  app.get(
    '/testing/imports/:id/errors.csv',
    { ...lab, schema: { tags: ['testing'], summary: 'Rows of a result import that were not used (and conflicts held), with the problem and the original values (CSV, or ?format=xlsx)', params: IdParam, querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('xlsx')])) }) } },
    async (req, reply) => {
      const { id } = req.params as { id: number };
      const format = (req.query as { format?: 'csv' | 'xlsx' }).format ?? 'csv';
      const job = await getJob(app.db, jobScope(req), id);
      const errors = job?.kind === 'test_results' ? await getJobErrors(app.db, jobScope(req), id) : null;
      if (!errors) throw notFound();
      await audit(app.db, req, { action: 'export', entity: 'import_job', entityId: id, details: { errors: format } });
      const csv = errors.errorsCsv ?? EMPTY_ERRORS;
      if (format === 'xlsx')
        return reply
          .header('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header('Content-Disposition', `attachment; filename="loi-nhap-ket-qua-${id}.xlsx"`)
          .send(await errorsWorkbook(csv));
      return reply.header('Content-Type', 'text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="loi-nhap-ket-qua-${id}.csv"`).send(UTF8_BOM + csv);
    },
  );

  app.get(
    '/testing/conflicts',
    { ...lab, schema: { tags: ['testing'], summary: 'Results that differ from the recorded one, held for review', querystring: Type.Object({ status: Type.Optional(Type.Union(['open', 'kept', 'replaced'].map((s) => Type.Literal(s)))), limit: Limit(1000, 200) }) } },
    async (req) => {
      const { status = 'open', limit = 200 } = req.query as { status?: 'open' | 'kept' | 'replaced'; limit?: number };
      const items = await listConflicts(app.db, scopeOf(req), status, limit);
      await audit(app.db, req, { action: 'search', entity: 'result_conflict', details: { status, results: items.length } });
      return { items };
    },
  );

  app.post(
    '/testing/conflicts/:id/resolve',
    {
      ...lab,
      schema: {
        tags: ['testing'],
        summary: 'Decide a conflict: keep the recorded result, or replace it by the held one (its effects then apply: follow-ups, case)',
        params: IdParam,
        body: Type.Object({ decision: Type.Union([Type.Literal('keep'), Type.Literal('replace')]), note: Type.String({ minLength: 3, maxLength: 1000 }) }, { additionalProperties: false }),
      },
    },
    async (req) => {
      const b = req.body as { decision: 'keep' | 'replace'; note: string };
      return app.db.tx((q) => resolveConflict(q, req, scopeOf(req), actorOf(req), (req.params as { id: number }).id, b.decision, b.note));
    },
  );

  // ---- Follow-ups of positive pools ----
  app.get(
    '/testing/follow-ups',
    {
      ...read,
      schema: {
        tags: ['testing'],
        summary: 'Members of positive pools to re-sample or re-test (the deconvolution list), per pool, per import job or per unit',
        querystring: Type.Object({ poolId: Type.Optional(Id), jobId: Type.Optional(Id), unit: Type.Optional(Code), state: Type.Optional(Type.Union(['open', 'done', 'all'].map((s) => Type.Literal(s)))), limit: Limit(5000, 500) }),
      },
    },
    async (req) => {
      const f = req.query as { poolId?: number; jobId?: number; unit?: string; state?: 'open' | 'done' | 'all'; limit?: number };
      const items = await listFollowUps(app.db, scopeOf(req), { poolId: f.poolId, jobId: f.jobId, state: f.state ?? 'open', unitPath: await unitPathOf(req, f.unit), limit: f.limit ?? 500 });
      await audit(app.db, req, { action: 'search', entity: 'follow_up', details: { poolId: f.poolId ?? null, jobId: f.jobId ?? null, results: items.length } });
      return { items };
    },
  );

  app.post(
    '/testing/follow-ups/:id/close',
    { ...collect, schema: { tags: ['testing'], summary: 'Close a follow-up that cannot be completed (unreachable, moved away), with the reason', params: IdParam, body: Type.Object({ note: Type.String({ minLength: 3, maxLength: 1000 }) }, { additionalProperties: false }) } },
    async (req) =>
      app.db.tx(async (q) => {
        const { id } = req.params as { id: number };
        const scope = scopeOf(req);
        const r = await q.query<{ action: 'resample' | 'retest'; status: 'pending' | 'collected'; personId: number | null }>(
          `SELECT action, status, person_id AS "personId" FROM follow_up WHERE province_code = $1 AND id = $2 AND unit_path LIKE $3 || '%' FOR UPDATE`,
          [scope.provinceCode, id, scope.path],
        );
        const f = r.rows[0];
        if (!f) throw notFound();
        const next = nextFollowUpState(f.action, f.status, { type: 'close' });
        if (!next.ok) throw new AppError(409, 'invalid_state', [{ field: 'status', code: f.status }]);
        const note = (req.body as { note: string }).note;
        await q.query(`UPDATE follow_up SET status = 'closed', note = $3, closed_by = $4, resolved_at = now(), updated_at = now() WHERE province_code = $1 AND id = $2`, [scope.provinceCode, id, note, req.user!.id]);
        if (f.personId != null) await completeOpenTasks(q, scope.provinceCode, req.user!.id, 'resample_pool_member', { personId: Number(f.personId), followUpId: id }, `closed: ${note}`);
        await audit(q, req, { action: 'update', entity: 'follow_up', entityId: id, details: { status: 'closed' } });
        return { id, status: 'closed', note };
      }),
  );

  // ---- Rapid antigen tests ----
  app.post(
    '/testing/rapid-tests',
    {
      ...collect,
      bodyLimit: 4 * 1024 * 1024,
      schema: {
        tags: ['testing'],
        summary: 'Record a rapid antigen test read by a health worker; a positive becomes a case when it meets the F0 definition in force, else a confirmation task. Idempotent by key',
        body: Type.Object(
          {
            personId: Type.Optional(Type.Union([Id, Type.Null()])),
            person: Type.Optional(Type.Union([NewSubject, Type.Null()])),
            vehiclePlate: Type.Optional(Type.Union([Type.String({ maxLength: 20 }), Type.Null()])),
            outcome: OutcomeSchema,
            readAt: Instant,
            kit: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
            idempotencyKey: IdempotencyKey,
            photo: Type.Optional(Type.Union([Photo, Type.Null()])),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      const res = await app.db.tx((q) => recordRapidTest(q, req, scopeOf(req), actorOf(req), req.body as RapidInput));
      return reply.status(res.replayed ? 200 : 201).send(res);
    },
  );

  app.get(
    '/testing/rapid-tests',
    {
      ...read,
      schema: {
        tags: ['testing'],
        summary: 'Rapid tests of people living in the jurisdiction',
        querystring: Type.Object({
          unit: Type.Optional(Code),
          from: Type.Optional(DateString),
          to: Type.Optional(DateString),
          outcome: Type.Optional(OutcomeSchema),
          source: Type.Optional(Type.Union([Type.Literal('health_worker'), Type.Literal('self_report')])),
          limit: Limit(1000, 100),
          offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        }),
      },
    },
    async (req) => {
      const f = req.query as { unit?: string; from?: string; to?: string; outcome?: string; source?: string; limit?: number; offset?: number };
      const res = await listRapid(app.db, scopeOf(req), { ...f, unitPath: await unitPathOf(req, f.unit), limit: f.limit ?? 100, offset: f.offset ?? 0 });
      await audit(app.db, req, { action: 'search', entity: 'rapid_test', details: { results: res.items.length } });
      return res;
    },
  );

  app.get('/testing/rapid-tests/:id', { ...read, schema: { tags: ['testing'], summary: 'A rapid test', params: IdParam } }, async (req) => {
    const { id } = req.params as { id: number };
    const r = await getRapid(app.db, scopeOf(req), id);
    await audit(app.db, req, { action: 'read', entity: 'rapid_test', entityId: id, outcome: r ? 'ok' : 'not_found' });
    if (!r) throw notFound();
    return r;
  });

  app.get('/testing/rapid-tests/:id/photo', { ...read, schema: { tags: ['testing'], summary: "The photo of a rapid test's cassette", params: IdParam } }, async (req, reply) => {
    const { id } = req.params as { id: number };
    const p = await rapidPhoto(app.db, scopeOf(req), id);
    await audit(app.db, req, { action: 'read', entity: 'rapid_test_photo', entityId: id, outcome: p ? 'ok' : 'not_found' });
    if (!p) throw notFound();
    return reply.header('content-type', p.type).header('cache-control', 'private, no-store').send(p.bytes);
  });

  app.post(
    '/testing/self-reports',
    {
      bodyLimit: 4 * 1024 * 1024,
      // No account: limited per client address; and per CCCD per day in the service.
      config: { rateLimit: { max: 20, timeWindow: '1 minute', hook: 'preHandler' } },
      schema: {
        tags: ['testing'],
        summary:
          'A citizen reports their own rapid test from a phone, without an account: CCCD with the birth date or the phone number of the registry; idempotency key; a positive gets a confirmation task for the commune health worker',
        body: Type.Object(
          {
            provinceCode: Type.String({ pattern: '^[0-9]{2}$' }),
            cccd: Type.String({ minLength: 12, maxLength: 20 }),
            birthDate: Type.Optional(Type.Union([Type.String({ maxLength: 20 }), Type.Null()])),
            phone: Type.Optional(Type.Union([Type.String({ maxLength: 20 }), Type.Null()])),
            outcome: OutcomeSchema,
            readAt: Instant,
            kit: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
            idempotencyKey: IdempotencyKey,
            photo: Type.Optional(Type.Union([Photo, Type.Null()])),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      const res = await app.db.tx((q) => selfReport(q, req, req.body as SelfReportInput));
      return reply.status(res.replayed ? 200 : 201).send(res);
    },
  );

  // ---- Dashboard ----
  app.get(
    '/testing/dashboard',
    {
      ...read,
      schema: {
        tags: ['testing'],
        summary: 'Capacity and turnaround: samples, pools, positivity by day and unit, lab use against the daily targets, collection-to-result times, overdue samples',
        querystring: Type.Object({ unit: Type.Optional(Code), from: Type.Optional(DateString), to: Type.Optional(DateString) }),
      },
    },
    async (req) => {
      const f = req.query as { unit?: string; from?: string; to?: string };
      const to = f.to ?? todayInVietnam();
      const from = f.from ?? todayInVietnam(new Date(Date.parse(to + 'T12:00:00Z') - 6 * 86_400_000));
      if (from > to) throw fieldError(400, 'from', 'after_to');
      if (Date.parse(to) - Date.parse(from) > 92 * 86_400_000) throw fieldError(400, 'from', 'range_too_long', '92');
      return dashboard(app.db, scopeOf(req), { unitPath: await unitPathOf(req, f.unit), from, to });
    },
  );

  app.get(
    '/testing/dashboard/strata',
    { ...read, schema: { tags: ['testing'], summary: 'Positivity by stratum of the sampling plans (one plan, or the plans of a period)', querystring: Type.Object({ planId: Type.Optional(Id), from: Type.Optional(DateString), to: Type.Optional(DateString) }) } },
    async (req) => ({ items: await strataPositivity(app.db, scopeOf(req), req.query as { planId?: number; from?: string; to?: string }) }),
  );

  // ---- Checkpoints ----
  app.get(
    '/testing/valid-results',
    {
      ...lookup,
      schema: {
        tags: ['testing'],
        summary: 'Checkpoint lookup by CCCD or plate: a negative RT-PCR or rapid test is valid for the policy hours (72 h) from the result; a positive in that time stops the person',
        querystring: Type.Object({ cccd: Type.Optional(Type.String({ maxLength: 20 })), plate: Type.Optional(Type.String({ maxLength: 20 })) }),
      },
    },
    async (req) => {
      const { cccd, plate } = req.query as { cccd?: string; plate?: string };
      if ((cccd == null) === (plate == null)) throw badRequest([{ field: 'cccd', code: 'cccd_or_plate' }]);
      let key: { cccd?: string; plate?: string };
      if (cccd != null) {
        const c = validateCccd(cccd);
        if (!c.ok) throw fieldError(400, 'cccd', c.error);
        key = { cccd: c.value };
      } else {
        const p = normalizePlate(plate!);
        if (!p) throw fieldError(400, 'plate', 'invalid');
        key = { plate: p };
      }
      const res = await validResults(app.db, req.user!.provinceCode, key);
      await audit(app.db, req, { action: 'read', entity: 'valid_results', entityId: key.cccd ?? key.plate, details: { status: res.status } });
      return res;
    },
  );
};

export default routes;
