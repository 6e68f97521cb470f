// Vaccination HTTP: the registry: products in force, doses, adverse events, profiles, a person's record and schedule.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { badRequest, notFound } from '../../errors.ts';
import { audit } from '../../plugins/audit.ts';
import type { Permission } from '../../../domain/access/roles.ts';
import { scopeOf } from '../units/routes.ts';
import { getUnit } from '../units/store.ts';
import { todayInVietnam } from '../imports/service.ts';
import { parseCalendarDate } from '../../../domain/people/normalize.ts';
import { seedMissingPolicies } from '../policies/missing.ts';
import { listVersions } from '../policies/service.ts';
import { versionOn } from '../../../domain/policies/registry.ts';
import { DOSE_KINDS, PRIORITY_GROUPS } from '../../../domain/vaccination/types.ts';
import { VACCINATION_POLICY_KEYS, loadVaccinationPolicies } from './policies.ts';
import { correctDose, deleteDose, getDose, recordDose, type DoseInput, type DosePatch, type RegistryActor } from './doses.ts';
import { AE_STATUSES, followUpAdverseEvent, listAdverseEvents, listDoses, reportAdverseEvent, saveProfile, usableLots, vaccinationRecord, type ProfileInput } from './registry.ts';

const DateString = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', format: 'date' });
const Instant = Type.String({ format: 'date-time' });
const Id = Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 });
const IdParam = Type.Object({ id: Id });
const Code = Type.String({ pattern: '^[A-Za-z0-9-]{1,40}$' });
const ProductCode = Type.String({ pattern: '^[a-z0-9_]{1,40}$' });
const Kind = Type.Union(DOSE_KINDS.map((k) => Type.Literal(k)));
const Text = (max: number) => Type.Union([Type.String({ maxLength: max }), Type.Null()]);
const Reason = Type.String({ minLength: 3, maxLength: 1000 });
const AeStatus = Type.Union(AE_STATUSES.map((s) => Type.Literal(s)));
const Severity = Type.Union([Type.Literal('mild'), Type.Literal('serious')]);

const DoseBody = Type.Object(
  {
    personId: Id,
    kind: Kind,
    productCode: Type.Optional(Type.Union([ProductCode, Type.Null()])),
    lotId: Id,
    givenOn: DateString,
    siteName: Type.Optional(Text(200)),
    siteUnitCode: Type.Optional(Type.Union([Code, Type.Null()])),
    vaccinator: Type.Optional(Text(200)),
    overrideReason: Type.Optional(Text(1000)),
  },
  { additionalProperties: false },
);

const DosePatchBody = Type.Object(
  {
    kind: Type.Optional(Kind),
    productCode: Type.Optional(Type.Union([ProductCode, Type.Null()])),
    lotId: Type.Optional(Id),
    givenOn: Type.Optional(DateString),
    siteName: Type.Optional(Text(200)),
    siteUnitCode: Type.Optional(Type.Union([Code, Type.Null()])),
    vaccinator: Type.Optional(Text(200)),
    overrideReason: Type.Optional(Text(1000)),
    reason: Reason,
  },
  { additionalProperties: false },
);

const ProfileBody = Type.Object(
  {
    priorityGroup: Type.Union([...PRIORITY_GROUPS.map((g) => Type.Literal(g)), Type.Null()]),
    comorbidity: Type.Boolean(),
    bedridden: Type.Boolean(),
    immunocompromised: Type.Boolean(),
    deferral: Type.Union([Type.Literal('contraindicated'), Type.Literal('deferred'), Type.Null()]),
    deferralReason: Type.Optional(Text(1000)),
    deferralOn: Type.Optional(Type.Union([DateString, Type.Null()])),
    deferralUntil: Type.Optional(Type.Union([DateString, Type.Null()])),
  },
  { additionalProperties: false },
);

const actorOf = (req: FastifyRequest): RegistryActor => ({ id: req.user!.id, username: req.user!.username, role: req.user!.role });
const checkDate = (field: string, v: string | undefined) => {
  if (v != null && parseCalendarDate(v) !== v) throw badRequest([{ field, code: 'invalid_date' }]);
};

const routes: FastifyPluginAsync = async (app) => {
  const need = (p: Permission) => ({ onRequest: app.requirePermission(p) });
  const read = need('vaccination.read');
  const record = need('vaccination.record');

  // A database made before the vaccination area has none of its policies: their defaults are added.
  app.addHook('onReady', async () => {
    if (app.db.kind === 'pglite' || app.db.kind === 'postgres') await app.db.tx((q) => seedMissingPolicies(q, [...VACCINATION_POLICY_KEYS]));
  });

  app.get(
    '/vaccination/products',
    {
      ...read,
      schema: {
        tags: ['vaccination'],
        summary: 'The vaccine products and boosters in force on a date (policies vaccination.products, vaccination.boosters), with the lots usable then',
        querystring: Type.Object({ date: Type.Optional(DateString) }),
      },
    },
    async (req) => {
      const date = (req.query as { date?: string }).date ?? todayInVietnam();
      checkDate('date', date);
      const province = req.user!.provinceCode;
      const policies = await loadVaccinationPolicies(app.db, province, date);
      const [pv, bv, lots] = await Promise.all([listVersions(app.db, province, 'vaccination.products'), listVersions(app.db, province, 'vaccination.boosters'), usableLots(app.db, province, date)]);
      const ref = (v: ReturnType<typeof versionOn<(typeof pv)[number]>>) => (v ? { version: v.version, effectiveFrom: v.effectiveFrom, source: v.source } : null);
      return { date, ...policies, policy: { products: ref(versionOn(pv, date)), boosters: ref(versionOn(bv, date)) }, lots };
    },
  );

  app.get(
    '/vaccination/people/:id',
    {
      ...read,
      schema: {
        tags: ['vaccination'],
        summary: "A person's vaccination record: doses, schedule status on a date (next dose, due, overdue), profile, adverse events (audited read)",
        params: IdParam,
        querystring: Type.Object({ on: Type.Optional(DateString) }),
      },
    },
    async (req) => {
      const { id } = req.params as { id: number };
      const on = (req.query as { on?: string }).on ?? todayInVietnam();
      checkDate('on', on);
      const rec = await vaccinationRecord(app.db, scopeOf(req), id, on);
      await audit(app.db, req, { action: 'read', entity: 'vaccination_record', entityId: id, outcome: rec ? 'ok' : 'not_found' });
      if (!rec) throw notFound();
      return rec;
    },
  );

  app.put(
    '/vaccination/people/:id/profile',
    {
      ...record,
      schema: {
        tags: ['vaccination'],
        summary: "Set a person's vaccination profile: priority group (Resolution 21/NQ-CP), comorbidity, bedridden, immunocompromised, contraindication or deferral with reason and dates",
        params: IdParam,
        body: ProfileBody,
      },
    },
    async (req) => app.db.tx((q) => saveProfile(q, actorOf(req), scopeOf(req), (req.params as { id: number }).id, req.body as ProfileInput, req)),
  );

  app.post(
    '/vaccination/doses',
    {
      ...record,
      schema: {
        tags: ['vaccination'],
        summary:
          'Record a dose for a person of the jurisdiction, from a known lot. Refused with field codes: before birth, in the future, product not in force / not for the age or kind, mixing, wrong order, duplicate (409), interval too short unless an override reason is given (then flagged)',
        body: DoseBody,
      },
    },
    async (req, reply) => {
      const res = await app.db.tx((q) => recordDose(q, actorOf(req), scopeOf(req), { ...(req.body as DoseInput), source: 'entry' }, req));
      return reply.status(201).send(res);
    },
  );

  app.get(
    '/vaccination/doses',
    {
      ...read,
      schema: {
        tags: ['vaccination'],
        summary: 'Doses given to residents of a unit in a period (default the last 7 days), newest first',
        querystring: Type.Object({
          unit: Type.Optional(Code),
          from: Type.Optional(DateString),
          to: Type.Optional(DateString),
          flagged: Type.Optional(Type.Boolean()),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
        }),
      },
    },
    async (req) => {
      const f = req.query as { unit?: string; from?: string; to?: string; flagged?: boolean; limit?: number };
      const scope = scopeOf(req);
      const to = f.to ?? todayInVietnam();
      const from = f.from ?? todayInVietnam(new Date(Date.parse(to + 'T12:00:00Z') - 6 * 86_400_000));
      checkDate('from', from);
      checkDate('to', to);
      if (from > to) throw badRequest([{ field: 'from', code: 'after_to' }]);
      let unitPath = scope.path;
      if (f.unit) {
        const u = await getUnit(app.db, scope, f.unit);
        if (!u) throw notFound();
        unitPath = u.path;
      }
      const items = await listDoses(app.db, scope, { unitPath, from, to, flagged: f.flagged, limit: f.limit ?? 200 });
      await audit(app.db, req, { action: 'search', entity: 'vaccine_dose', details: { unit: f.unit ?? null, from, to, results: items.length } });
      return { from, to, items };
    },
  );

  app.get('/vaccination/doses/:id', { ...read, schema: { tags: ['vaccination'], summary: 'A dose', params: IdParam } }, async (req) => {
    const { id } = req.params as { id: number };
    const d = await getDose(app.db, scopeOf(req), id);
    await audit(app.db, req, { action: 'read', entity: 'vaccine_dose', entityId: id, outcome: d ? 'ok' : 'not_found' });
    if (!d) throw notFound();
    return d;
  });

  app.patch(
    '/vaccination/doses/:id',
    {
      ...record,
      schema: {
        tags: ['vaccination'],
        summary: 'Correct a dose (with the reason, audited); the dose and the later doses are checked again',
        params: IdParam,
        body: DosePatchBody,
      },
    },
    async (req) => app.db.tx((q) => correctDose(q, actorOf(req), scopeOf(req), (req.params as { id: number }).id, req.body as DosePatch, req)),
  );

  app.delete(
    '/vaccination/doses/:id',
    {
      ...record,
      schema: {
        tags: ['vaccination'],
        summary: 'Delete a dose recorded by mistake (with the reason, audited); refused while later doses or adverse events depend on it',
        params: IdParam,
        body: Type.Object({ reason: Reason }, { additionalProperties: false }),
      },
    },
    async (req) => app.db.tx((q) => deleteDose(q, actorOf(req), scopeOf(req), (req.params as { id: number }).id, (req.body as { reason: string }).reason, req)),
  );

  app.post(
    '/vaccination/doses/:id/adverse-events',
    {
      ...record,
      schema: {
        tags: ['vaccination'],
        summary: 'Report an adverse event following a dose (mild or serious)',
        params: IdParam,
        body: Type.Object({ onsetAt: Instant, severity: Severity, description: Type.String({ minLength: 3, maxLength: 2000 }) }, { additionalProperties: false }),
      },
    },
    async (req, reply) =>
      reply.status(201).send(await app.db.tx((q) => reportAdverseEvent(q, actorOf(req), scopeOf(req), (req.params as { id: number }).id, req.body as { onsetAt: string; severity: 'mild' | 'serious'; description: string }, req))),
  );

  app.post(
    '/vaccination/adverse-events/:id/follow-ups',
    {
      ...record,
      schema: {
        tags: ['vaccination'],
        summary: "Follow up an adverse event: its status now (open, recovered, hospitalised, sequelae, died) with a note",
        params: IdParam,
        body: Type.Object({ status: AeStatus, note: Type.Optional(Text(2000)), at: Type.Optional(Type.Union([Instant, Type.Null()])) }, { additionalProperties: false }),
      },
    },
    async (req, reply) =>
      reply.status(201).send(await app.db.tx((q) => followUpAdverseEvent(q, actorOf(req), scopeOf(req), (req.params as { id: number }).id, req.body as { status: (typeof AE_STATUSES)[number]; note?: string | null; at?: string | null }, req))),
  );

  app.get(
    '/vaccination/adverse-events',
    {
      ...read,
      schema: {
        tags: ['vaccination'],
        summary: 'Adverse events of residents of a unit, newest first',
        querystring: Type.Object({
          unit: Type.Optional(Code),
          severity: Type.Optional(Severity),
          status: Type.Optional(AeStatus),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
        }),
      },
    },
    async (req) => {
      const f = req.query as { unit?: string; severity?: string; status?: string; limit?: number };
      const scope = scopeOf(req);
      let unitPath = scope.path;
      if (f.unit) {
        const u = await getUnit(app.db, scope, f.unit);
        if (!u) throw notFound();
        unitPath = u.path;
      }
      const items = await listAdverseEvents(app.db, scope, { unitPath, severity: f.severity, status: f.status, limit: f.limit ?? 200 });
      await audit(app.db, req, { action: 'search', entity: 'adverse_event', details: { unit: f.unit ?? null, results: items.length } });
      return { items };
    },
  );
};

export default routes;
