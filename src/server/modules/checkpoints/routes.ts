// HTTP for health declarations and the province's checkpoints (docs/checkins.md): the public
// declaration form (no account, idempotency key from the phone, rate-limited), the staff list of
// declarations for the destination's jurisdiction with Excel, checkpoints and their passages (a
// traveller looked up by CCCD or plate: registry, valid test result, vaccination, green-lane pass),
// green-lane passes, daily counts per checkpoint with Excel.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { notFound } from '../../errors.ts';
import { audit } from '../../plugins/audit.ts';
import type { Permission } from '../../../domain/access/roles.ts';
import { CONTACTS, SYMPTOMS } from '../../../domain/checkpoints/declaration.ts';
import { CHECKPOINT_POLICY_DEFINITIONS } from '../../../domain/checkpoints/policies.ts';
import { scopeOf } from '../units/routes.ts';
import { seedMissingPolicies } from '../policies/missing.ts';
import type { Queryable } from '../../db/index.ts';
import { actorOf, fieldError, todayInVietnam, unitIn } from '../testing/common.ts';
import { declarationForm, declarationsWorkbook, getDeclaration, listDeclarations, submitDeclaration, type DeclarationBody, type DeclarationFilter } from './declarations.ts';
import {
  createCheckpoint,
  dailyCounts,
  dailyWorkbook,
  issueGreenPass,
  listCheckpoints,
  listGreenPasses,
  listPassages,
  lookupTraveller,
  parseKey,
  recordPassage,
  revokeGreenPass,
  type CheckpointInput,
  type GreenPassInput,
  type PassageInput,
} from './passages.ts';
import { normalizePlate } from '../../../domain/testing/plate.ts';
import type { Decision } from '../../../domain/checkpoints/passage.ts';
import { purgeDeclarations } from './retention.ts';
import { districtsOf } from './districts.ts';
import { isProvinceCode } from '../../../domain/checkpoints/provinces.ts';

/** Default versions of the declaration policies for provinces that have none yet. */
export async function seedMissingCheckpointPolicies(q: Queryable) {
  await seedMissingPolicies(q, [...CHECKPOINT_POLICY_DEFINITIONS.map((d) => d.key), 'checkpoint.test_validity_hours']);
}

const DateString = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', format: 'date' });
const Instant = Type.String({ format: 'date-time' });
const Id = Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 });
const IdParam = Type.Object({ id: Id });
const Code = Type.String({ pattern: '^[A-Za-z0-9-]{1,40}$' });
const Name = Type.String({ minLength: 2, maxLength: 200 });
const Short = (max: number) => Type.Optional(Type.Union([Type.String({ maxLength: max }), Type.Null()]));
const IdempotencyKey = Type.String({ minLength: 8, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$' });
const Limit = (max: number, dflt: number) => Type.Optional(Type.Integer({ minimum: 1, maximum: max, default: dflt }));
const Place = Type.Object(
  {
    provinceCode: Type.String({ pattern: '^([0-9]{2}|abroad)$' }),
    unitCode: Type.Optional(Type.Union([Code, Type.Null()])),
    districtCode: Type.Optional(Type.Union([Type.String({ pattern: '^[0-9]{3}$' }), Type.Null()])),
    name: Short(200),
  },
  { additionalProperties: false, description: "A province (GSO code) or 'abroad' with the country as name; inside the declaring province, a commune code" },
);
const DeclarationSchema = Type.Object(
  {
    provinceCode: Type.String({ pattern: '^[0-9]{2}$' }),
    kind: Type.Union([Type.Literal('arrival'), Type.Literal('domestic')]),
    fullName: Name,
    birthDate: DateString,
    sex: Type.Union([Type.Literal('M'), Type.Literal('F')]),
    nationality: Type.String({ minLength: 2, maxLength: 60 }),
    cccd: Short(20),
    passport: Short(20),
    phone: Type.String({ minLength: 9, maxLength: 20 }),
    address: Type.String({ minLength: 3, maxLength: 300 }),
    destinationCommuneCode: Code,
    destinationAddress: Short(300),
    arrivalDate: DateString,
    from: Place,
    places: Type.Array(Place, { maxItems: 30 }),
    transport: Short(100),
    symptoms: Type.Array(Type.String({ maxLength: 40 }), { maxItems: SYMPTOMS.length }),
    contacts: Type.Array(Type.String({ maxLength: 40 }), { maxItems: CONTACTS.length }),
    idempotencyKey: IdempotencyKey,
  },
  { additionalProperties: false },
);
const DecisionSchema = Type.Union(['allowed', 'tested', 'turned_back', 'held'].map((s) => Type.Literal(s)));
const PassageSchema = Type.Object(
  {
    checkpointId: Id,
    passedAt: Instant,
    direction: Type.Union([Type.Literal('in'), Type.Literal('out')]),
    personId: Type.Optional(Type.Union([Id, Type.Null()])),
    person: Type.Optional(
      Type.Union([Type.Object({ fullName: Name, cccd: Short(20), phone: Short(20) }, { additionalProperties: false, description: 'Someone not in the registry: name with a CCCD and/or the vehicle plate' }), Type.Null()]),
    ),
    vehiclePlate: Short(20),
    role: Type.Union(['driver', 'passenger', 'pedestrian'].map((s) => Type.Literal(s))),
    purpose: Type.Union(['freight', 'work', 'return_home', 'medical', 'official', 'transit', 'other'].map((s) => Type.Literal(s))),
    fromProvinceCode: Type.Optional(Type.Union([Type.String({ pattern: '^([0-9]{2}|abroad)$' }), Type.Null()])),
    toCommuneCode: Type.Optional(Type.Union([Code, Type.Null()])),
    decision: DecisionSchema,
    note: Short(1000),
    idempotencyKey: IdempotencyKey,
  },
  { additionalProperties: false },
);

function range(f: { from?: string; to?: string }, maxDays = 92) {
  const to = f.to ?? todayInVietnam();
  const from = f.from ?? todayInVietnam(new Date(Date.parse(to + 'T12:00:00Z') - 13 * 86_400_000));
  if (from > to) throw fieldError(400, 'from', 'after_to');
  if (Date.parse(to) - Date.parse(from) > maxDays * 86_400_000) throw fieldError(400, 'from', 'range_too_long', String(maxDays));
  return { from, to };
}

const routes: FastifyPluginAsync = async (app) => {
  const need = (p: Permission) => ({ onRequest: app.requirePermission(p) });
  const declRead = need('declarations.read');
  const cpRead = need('checkpoints.read');
  const cpRecord = need('checkpoints.record');
  const live = app.db.kind === 'pglite' || app.db.kind === 'postgres'; // not for the OpenAPI generator
  let timer: NodeJS.Timeout | null = null;
  let lastPurgeDay: string | null = null;
  /** Once a day (checked hourly): the retention purge of declarations and of who passed the checkpoints. */
  const maintain = async () => {
    const today = todayInVietnam();
    if (lastPurgeDay === today || process.env.CHECKIN_PURGE === 'off') return;
    try {
      const r = await app.db.tx((q) => purgeDeclarations(q));
      lastPurgeDay = today;
      if (r.declarationsDeleted || r.passagesAnonymised) app.log.info({ purge: r }, 'declaration retention purge');
    } catch (err) {
      app.log.error({ err }, 'declaration retention purge failed');
    }
  };
  app.addHook('onReady', async () => {
    if (!live) return;
    await app.db.tx((q) => seedMissingCheckpointPolicies(q));
    void maintain();
    timer = setInterval(() => void maintain(), 3_600_000);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer);
  });
  const unitPathOf = async (req: FastifyRequest, code?: string) => (code ? (await unitIn(app.db, scopeOf(req), code)).path : scopeOf(req).path);

  // ---- Health declarations: the public form ----
  app.get(
    '/declarations/form',
    {
      config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        tags: ['declarations'],
        summary: "What the public declaration form needs: the province's districts and communes (names and codes); no account",
        querystring: Type.Object({ province: Type.Optional(Type.String({ pattern: '^[0-9]{2}$' })) }),
      },
    },
    async (req, reply) => {
      let code = (req.query as { province?: string }).province;
      if (!code) {
        const r = await app.db.query<{ code: string }>(`SELECT province_code AS code FROM province ORDER BY province_code LIMIT 2`);
        if (r.rows.length !== 1) throw fieldError(400, 'province', 'required');
        code = r.rows[0].code;
      }
      const form = await declarationForm(app.db, code);
      if (!form) throw notFound();
      return reply.header('cache-control', 'public, max-age=300').send(form);
    },
  );

  app.get(
    '/declarations/districts',
    {
      config: { rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: {
        tags: ['declarations'],
        summary: "The districts of a province of the country (GSO codes), for a traveller naming where they came from; empty when the deployment's units file has none (two-level structure); no account",
        querystring: Type.Object({ province: Type.String({ pattern: '^[0-9]{2}$' }) }),
      },
    },
    async (req, reply) => {
      const code = (req.query as { province: string }).province;
      if (!isProvinceCode(code)) throw fieldError(404, 'province', 'unknown_province');
      return reply.header('cache-control', 'public, max-age=3600').send({ provinceCode: code, items: await districtsOf(app.db, code) });
    },
  );

  app.post(
    '/declarations',
    {
      bodyLimit: 64 * 1024,
      // No account: limited per client address; and per phone number per day in the service.
      config: { rateLimit: { max: 20, timeWindow: '1 minute', hook: 'preHandler' } },
      schema: {
        tags: ['declarations'],
        summary:
          'A health declaration from a phone, without an account (domain.md §8). An arrival from a level 3–4 area or a lockdown gets a testing or monitoring task for the destination commune; symptoms alert the commune health station. Idempotent by key',
        body: DeclarationSchema,
      },
    },
    async (req, reply) => {
      const res = await app.db.tx((q) => submitDeclaration(q, req, req.body as DeclarationBody));
      const d = res.declaration;
      // The citizen sees what happens next, not the staff's view of the record.
      return reply.status(res.replayed ? 200 : 201).send({ id: d.id, declaredAt: d.declaredAt, risk: d.risk, areas: d.riskAreas.map((a) => a.name), effects: d.effects, replayed: res.replayed });
    },
  );

  app.post(
    '/declarations/purge',
    { ...need('policies.manage'), schema: { tags: ['declarations'], summary: 'Run the retention purge now (it also runs daily): declarations older than checkins.retention_days deleted, passages older than it anonymised' } },
    async (req) =>
      app.db.tx(async (q) => {
        const r = await purgeDeclarations(q);
        await audit(q, req, { action: 'delete', entity: 'health_declaration', details: { ...r } });
        return r;
      }),
  );

  // ---- Health declarations: staff ----
  const ListQuery = Type.Object({
    unit: Type.Optional(Code),
    from: Type.Optional(DateString),
    to: Type.Optional(DateString),
    risk: Type.Optional(Type.Union(['none', 'high_risk_area', 'lockdown', 'any_risk'].map((s) => Type.Literal(s)))),
    symptoms: Type.Optional(Type.Boolean()),
    q: Type.Optional(Type.String({ maxLength: 100 })),
    limit: Limit(500, 50),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  });
  type ListQ = { unit?: string; from?: string; to?: string; risk?: DeclarationFilter['risk']; symptoms?: boolean; q?: string; limit?: number; offset?: number };
  const filterOf = async (req: FastifyRequest, limit: number): Promise<DeclarationFilter> => {
    const f = req.query as ListQ;
    const r = range(f);
    return { unitPath: await unitPathOf(req, f.unit), from: r.from, to: r.to, risk: f.risk, symptoms: f.symptoms, q: f.q, limit, offset: f.offset ?? 0 };
  };

  app.get('/declarations', { ...declRead, schema: { tags: ['declarations'], summary: 'Declarations for communes in your jurisdiction (destination), newest first; filters by period, risk, symptoms, name/phone/CCCD', querystring: ListQuery } }, async (req) => {
    const f = await filterOf(req, (req.query as ListQ).limit ?? 50);
    const res = await listDeclarations(app.db, scopeOf(req), f);
    await audit(app.db, req, { action: 'search', entity: 'health_declaration', details: { from: f.from, to: f.to, risk: f.risk ?? null, q: f.q ? true : false, results: res.items.length } });
    return res;
  });

  app.get('/declarations/export.xlsx', { ...declRead, schema: { tags: ['declarations'], summary: 'The declarations of the list as an Excel sheet (at most 20,000)', querystring: ListQuery } }, async (req, reply) => {
    const f = await filterOf(req, 20_000);
    const res = await listDeclarations(app.db, scopeOf(req), { ...f, offset: 0 });
    await audit(app.db, req, { action: 'export', entity: 'health_declaration', details: { from: f.from, to: f.to, risk: f.risk ?? null, rows: res.items.length } });
    const vn = (s: string) => s.split('-').reverse().join('/');
    return reply
      .header('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('Content-Disposition', `attachment; filename="khai-bao-y-te-${f.from}-${f.to}.xlsx"`)
      .send(await declarationsWorkbook(res.items, `Tờ khai y tế từ ${vn(f.from!)} đến ${vn(f.to!)}`));
  });

  app.get('/declarations/:id', { ...declRead, schema: { tags: ['declarations'], summary: 'One declaration', params: IdParam } }, async (req) => {
    const { id } = req.params as { id: number };
    const d = await getDeclaration(app.db, scopeOf(req), id);
    await audit(app.db, req, { action: 'read', entity: 'health_declaration', entityId: id, outcome: d ? 'ok' : 'not_found' });
    if (!d) throw notFound();
    return d;
  });

  // ---- Checkpoints ----
  app.get('/checkpoints', { ...cpRead, schema: { tags: ['checkpoints'], summary: "Checkpoints in your jurisdiction with today's counts" } }, async (req) => ({ items: await listCheckpoints(app.db, scopeOf(req)) }));

  app.post(
    '/checkpoints',
    {
      ...cpRecord,
      schema: {
        tags: ['checkpoints'],
        summary: 'Open a checkpoint on a road or at a border gate, in a commune of your jurisdiction',
        body: Type.Object(
          {
            name: Name,
            kind: Type.Union([Type.Literal('road'), Type.Literal('border_gate')]),
            communeCode: Code,
            road: Short(200),
            lat: Type.Optional(Type.Union([Type.Number({ minimum: 6, maximum: 25 }), Type.Null()])),
            lon: Type.Optional(Type.Union([Type.Number({ minimum: 100, maximum: 118 }), Type.Null()])),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      const id = await app.db.tx(async (q) => {
        const id = await createCheckpoint(q, scopeOf(req), req.body as CheckpointInput);
        await audit(q, req, { action: 'create', entity: 'checkpoint', entityId: id });
        return id;
      });
      return reply.status(201).send({ id });
    },
  );

  app.patch(
    '/checkpoints/:id',
    { ...cpRecord, schema: { tags: ['checkpoints'], summary: 'Close or reopen a checkpoint', params: IdParam, body: Type.Object({ active: Type.Boolean() }, { additionalProperties: false }) } },
    async (req) => {
      const { id } = req.params as { id: number };
      const s = scopeOf(req);
      const r = await app.db.query(`UPDATE checkpoint SET active = $4 WHERE province_code = $1 AND id = $2 AND unit_path LIKE $3 || '%' RETURNING id`, [s.provinceCode, id, s.path, (req.body as { active: boolean }).active]);
      if (!r.rows.length) throw notFound();
      await audit(app.db, req, { action: 'update', entity: 'checkpoint', entityId: id, details: req.body as Record<string, unknown> });
      return { id, active: (req.body as { active: boolean }).active };
    },
  );

  app.get(
    '/checkpoints/lookup',
    {
      ...cpRecord,
      schema: {
        tags: ['checkpoints'],
        summary: 'A traveller at the checkpoint by CCCD and/or plate: the registry person, the valid test result (policy hours, 72 h), the vaccination status, the green-lane pass, passages of the last 3 days, and the advice',
        querystring: Type.Object({ cccd: Type.Optional(Type.String({ maxLength: 20 })), plate: Type.Optional(Type.String({ maxLength: 20 })) }),
      },
    },
    async (req) => {
      const key = parseKey(req.query as { cccd?: string; plate?: string });
      const res = await lookupTraveller(app.db, scopeOf(req), key);
      await audit(app.db, req, { action: 'read', entity: 'checkpoint_lookup', entityId: key.cccd ?? key.plate, details: { plate: key.plate, testStatus: res.testStatus, person: res.person?.id ?? null } });
      return res;
    },
  );

  app.post('/checkpoints/passages', { ...cpRecord, bodyLimit: 16 * 1024, schema: { tags: ['checkpoints'], summary: 'Record a passage; the result, vaccination and pass are read on the server; a positive in the window cannot be let through. Idempotent by key', body: PassageSchema } }, async (req, reply) => {
    const res = await app.db.tx(async (q) => {
      const r = await recordPassage(q, req, scopeOf(req), actorOf(req), req.body as PassageInput);
      if (!r.replayed) await audit(q, req, { action: 'create', entity: 'checkpoint_passage', entityId: r.passage.id, details: { checkpointId: r.passage.checkpointId, decision: r.passage.decision } });
      return r;
    });
    return reply.status(res.replayed ? 200 : 201).send(res);
  });

  app.get(
    '/checkpoints/passages',
    {
      ...cpRead,
      schema: {
        tags: ['checkpoints'],
        summary: 'Passages at the checkpoints of your jurisdiction in a period (default the last 14 days)',
        querystring: Type.Object({ checkpointId: Type.Optional(Id), from: Type.Optional(DateString), to: Type.Optional(DateString), decision: Type.Optional(DecisionSchema), limit: Limit(1000, 100), offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })) }),
      },
    },
    async (req) => {
      const f = req.query as { checkpointId?: number; from?: string; to?: string; decision?: Decision; limit?: number; offset?: number };
      const r = range(f);
      const res = await listPassages(app.db, scopeOf(req), { ...f, ...r, limit: f.limit ?? 100, offset: f.offset ?? 0 });
      await audit(app.db, req, { action: 'search', entity: 'checkpoint_passage', details: { checkpointId: f.checkpointId ?? null, from: r.from, to: r.to, results: res.items.length } });
      return res;
    },
  );

  const DailyQuery = Type.Object({ checkpointId: Type.Optional(Id), from: Type.Optional(DateString), to: Type.Optional(DateString) });
  app.get('/checkpoints/daily', { ...cpRead, schema: { tags: ['checkpoints'], summary: 'Passages per day and checkpoint (in, out, tested, held, turned back), zeros included; default the last 14 days', querystring: DailyQuery } }, async (req) => {
    const f = req.query as { checkpointId?: number; from?: string; to?: string };
    return dailyCounts(app.db, scopeOf(req), { checkpointId: f.checkpointId, ...range(f) });
  });

  app.get('/checkpoints/daily.xlsx', { ...cpRead, schema: { tags: ['checkpoints'], summary: 'The daily counts as an Excel sheet', querystring: DailyQuery } }, async (req, reply) => {
    const f = req.query as { checkpointId?: number; from?: string; to?: string };
    const r = range(f);
    const d = await dailyCounts(app.db, scopeOf(req), { checkpointId: f.checkpointId, ...r });
    return reply
      .header('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('Content-Disposition', `attachment; filename="luot-qua-chot-${r.from}-${r.to}.xlsx"`)
      .send(await dailyWorkbook(d));
  });

  // ---- Green-lane passes ----
  app.get(
    '/checkpoints/green-passes',
    { ...cpRead, schema: { tags: ['checkpoints'], summary: 'Green-lane vehicle passes: the valid ones (default) or all, optionally for a plate', querystring: Type.Object({ plate: Type.Optional(Type.String({ maxLength: 20 })), state: Type.Optional(Type.Union([Type.Literal('valid'), Type.Literal('all')])), limit: Limit(1000, 200) }) } },
    async (req) => {
      const f = req.query as { plate?: string; state?: 'valid' | 'all'; limit?: number };
      const plate = f.plate ? normalizePlate(f.plate) : null;
      if (f.plate && !plate) throw fieldError(400, 'plate', 'invalid');
      return { items: await listGreenPasses(app.db, req.user!.provinceCode, { plate, state: f.state, limit: f.limit ?? 200 }) };
    },
  );

  app.post(
    '/checkpoints/green-passes',
    {
      ...cpRecord,
      schema: {
        tags: ['checkpoints'],
        summary: 'Issue a green-lane pass for a vehicle (dates valid, at most 31 days; no two active passes of a plate overlap)',
        body: Type.Object({ vehiclePlate: Type.String({ maxLength: 20 }), holder: Name, cargo: Short(200), route: Short(300), validFrom: DateString, validTo: DateString }, { additionalProperties: false }),
      },
    },
    async (req, reply) => {
      const p = await app.db.tx(async (q) => {
        const p = await issueGreenPass(q, req.user!.provinceCode, actorOf(req), req.body as GreenPassInput);
        await audit(q, req, { action: 'create', entity: 'green_lane_pass', entityId: p.id, details: { plate: p.vehiclePlate } });
        return p;
      });
      return reply.status(201).send(p);
    },
  );

  app.post(
    '/checkpoints/green-passes/:id/revoke',
    { ...cpRecord, schema: { tags: ['checkpoints'], summary: 'Revoke a green-lane pass, with the reason', params: IdParam, body: Type.Object({ reason: Type.String({ minLength: 3, maxLength: 500 }) }, { additionalProperties: false }) } },
    async (req) =>
      app.db.tx(async (q) => {
        const p = await revokeGreenPass(q, req.user!.provinceCode, (req.params as { id: number }).id, (req.body as { reason: string }).reason);
        await audit(q, req, { action: 'update', entity: 'green_lane_pass', entityId: p.id, details: { status: 'revoked' } });
        return p;
      }),
  );
};

export default routes;
