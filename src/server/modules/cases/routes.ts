// HTTP for the case area: cases, contacts, graph and clusters, zones, quarantine orders and
// facilities, tasks, and the printable decision.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { AppError, badRequest, notFound } from '../../errors.ts';
import { audit } from '../../plugins/audit.ts';
import { policyOn } from '../policies/service.ts';
import { scopeOf } from '../units/routes.ts';
import { getUnit } from '../units/store.ts';
import { todayInVietnam } from '../imports/service.ts';
import * as store from './store.ts';
import { addContacts, createCase, updateCase, type Actor, type CaseInput, type CasePatch, type ContactInput } from './service.ts';
import { createFacility, getOrder, issueOrder, listFacilities, listOrders, recordCheck, releaseOrder, type OrderInput } from './orders.ts';
import { assignTask, completeTask, getTask, listTasks, taskCounts } from './tasks.ts';
import { clusterProposals, graphData, personNames } from './graph.ts';
import { commonPath, createZone, extendZone, getZone, liftZone, listZones, zoneResidents, type ZoneInput } from './zones.ts';
import { decisionPdfData } from './decision.ts';
import handoverRoutes, { HandoverBody, IdentityBody, publicContacts } from './handoverRoutes.ts';
import { handoversOfCase } from './handover.ts';
import { renderDecisionPdf } from './decisionPdf.ts';

const DateString = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', format: 'date' });
const NullableDate = Type.Union([DateString, Type.Null()]);
const Id = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) });
const Code = Type.String({ pattern: '^[A-Za-z0-9-]{1,40}$' });
const Note = Type.Union([Type.String({ maxLength: 2000 }), Type.Null()]);

const Setting = Type.Union(['household', 'workplace', 'venue', 'transport', 'health_facility', 'school', 'other'].map((s) => Type.Literal(s)));
const Proximity = Type.Union(['physical', 'within_2m', 'same_closed_space', 'care_without_ppe', 'farther'].map((s) => Type.Literal(s)));
const NewPersonBody = Type.Object(
  {
    fullName: Type.String({ minLength: 2, maxLength: 200 }),
    birthDate: Type.Optional(Type.Union([Type.String({ maxLength: 20 }), Type.Null()])),
    sex: Type.Optional(Type.Union([Type.Literal('M'), Type.Literal('F'), Type.Null()])),
    cccd: Type.Optional(Type.Union([Type.String({ maxLength: 20 }), Type.Null()])),
    phone: Type.Optional(Type.Union([Type.String({ maxLength: 20 }), Type.Null()])),
    unitCode: Code,
    address: Type.Optional(Type.Union([Type.String({ maxLength: 300 }), Type.Null()])),
    confirmNew: Type.Optional(Type.Boolean()),
  },
  {
    additionalProperties: false,
    description:
      'Someone not in the registry yet: matched against it first (409 with the possible duplicates unless confirmNew; a known CCCD is always 409). With `handover`, unitCode is a commune or village outside the jurisdiction and a same-name match there is 409 possible_duplicate_elsewhere (who is not said) unless confirmNew',
  },
);
const ContactBody = Type.Object(
  {
    personId: Type.Optional(Type.Integer({ minimum: 1 })),
    newPerson: Type.Optional(NewPersonBody),
    identity: Type.Optional(IdentityBody),
    handover: Type.Optional(HandoverBody),
    exposureDate: DateString,
    setting: Setting,
    proximity: Proximity,
    durationMinutes: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 100000 }), Type.Null()])),
    masked: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
    source: Type.Optional(Type.Union(['interview', 'checkin', 'household', 'other'].map((s) => Type.Literal(s)))),
    note: Type.Optional(Note),
  },
  { additionalProperties: false },
);
const Contacts = Type.Array(ContactBody, { maxItems: 500 });
const Severity = Type.Union(['asymptomatic', 'mild', 'moderate', 'severe', 'critical'].map((s) => Type.Literal(s)));
const Vaccination = Type.Union(['unknown', 'none', 'partial', 'full', 'booster'].map((s) => Type.Literal(s)));
const Comorbidities = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 20 });

const CaseBody = Type.Object(
  {
    personId: Type.Integer({ minimum: 1 }),
    reportDate: DateString,
    onsetDate: Type.Optional(NullableDate),
    sampleDate: Type.Optional(NullableDate),
    detectedIn: Type.Union([Type.Literal('community'), Type.Literal('quarantine')]),
    reportedVia: Type.Union(['lab', 'rapid_test', 'health_worker'].map((s) => Type.Literal(s))),
    evidence: Type.Object(
      {
        pcrPositive: Type.Optional(Type.Boolean()),
        rapidPositiveAt: Type.Optional(Type.Array(Type.String({ format: 'date-time' }), { maxItems: 10 })),
        suspected: Type.Optional(Type.Boolean()),
        epiLink: Type.Optional(Type.Boolean()),
      },
      { additionalProperties: false },
    ),
    severity: Type.Optional(Severity),
    vaccinationStatus: Type.Optional(Vaccination),
    lastDoseDate: Type.Optional(NullableDate),
    comorbidities: Type.Optional(Comorbidities),
    pregnant: Type.Optional(Type.Boolean()),
    placeDetected: Type.Optional(Type.Union([Type.String({ maxLength: 300 }), Type.Null()])),
    notes: Type.Optional(Note),
    contacts: Type.Optional(Contacts),
  },
  { additionalProperties: false },
);

const CasePatchBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    reportDate: Type.Optional(DateString),
    onsetDate: Type.Optional(NullableDate),
    sampleDate: Type.Optional(NullableDate),
    detectedIn: Type.Optional(Type.Union([Type.Literal('community'), Type.Literal('quarantine')])),
    severity: Type.Optional(Severity),
    vaccinationStatus: Type.Optional(Vaccination),
    lastDoseDate: Type.Optional(NullableDate),
    comorbidities: Type.Optional(Comorbidities),
    pregnant: Type.Optional(Type.Boolean()),
    status: Type.Optional(Type.Union(['confirmed', 'recovered', 'died', 'transferred', 'discarded'].map((s) => Type.Literal(s)))),
    outcomeDate: Type.Optional(NullableDate),
    placeDetected: Type.Optional(Type.Union([Type.String({ maxLength: 300 }), Type.Null()])),
    notes: Type.Optional(Note),
  },
  { additionalProperties: false },
);

const actorOf = (req: FastifyRequest): Actor => ({ id: req.user!.id, username: req.user!.username });

const routes: FastifyPluginAsync = async (app) => {
  const read = { onRequest: app.requirePermission('cases.read') };
  const manage = { onRequest: app.requirePermission('cases.manage') };
  const quarantine = { onRequest: app.requirePermission('quarantine.manage') };
  const zones = { onRequest: app.requirePermission('zones.manage') };
  const work = { onRequest: app.requirePermission('tasks.work') };
  await app.register(handoverRoutes);
  /** The path of a unit filter, inside the caller's jurisdiction (404 outside it). */
  const unitPathIn = async (scope: ReturnType<typeof scopeOf>, code: string) => {
    const u = await getUnit(app.db, scope, code);
    if (!u) throw notFound();
    return u.path;
  };

  // ---- Cases ----
  app.get(
    '/cases',
    {
      ...read,
      schema: {
        tags: ['cases'],
        summary: 'Cases in the jurisdiction, newest first',
        querystring: Type.Object({
          unit: Type.Optional(Code),
          from: Type.Optional(DateString),
          to: Type.Optional(DateString),
          status: Type.Optional(Type.Union(['confirmed', 'recovered', 'died', 'transferred', 'discarded'].map((s) => Type.Literal(s)))),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
        }),
      },
    },
    async (req) => {
      const f = req.query as { unit?: string; from?: string; to?: string; status?: string; limit?: number; offset?: number };
      const scope = scopeOf(req);
      const unitPath = f.unit ? await unitPathIn(scope, f.unit) : undefined;
      const res = await store.listCases(app.db, scope, { unitPath, from: f.from, to: f.to, status: f.status, limit: f.limit ?? 50, offset: f.offset ?? 0 });
      await audit(app.db, req, { action: 'search', entity: 'case', details: { unit: f.unit ?? null, from: f.from ?? null, to: f.to ?? null, results: res.items.length } });
      return res;
    },
  );

  app.post('/cases', { ...manage, schema: { tags: ['cases'], summary: 'Register a confirmed case (F0), optionally with its contacts', body: CaseBody } }, async (req, reply) => {
    const res = await app.db.tx((q) => createCase(q, req, scopeOf(req), actorOf(req), req.body as CaseInput));
    return reply.status(201).send(res);
  });

  app.get('/cases/graph', {
    ...read,
    schema: {
      tags: ['cases'],
      summary: 'Transmission chains as a columnar graph (cases and their contacts)',
      querystring: Type.Object({ unit: Type.Optional(Code), from: Type.Optional(DateString), to: Type.Optional(DateString), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50_000, default: 25_000 })) }),
    },
  }, async (req) => {
    const f = req.query as { unit?: string; from?: string; to?: string; limit?: number };
    const scope = scopeOf(req);
    const unitPath = f.unit ? await unitPathIn(scope, f.unit) : undefined;
    const g = await graphData(app.db, scope, { unitPath, from: f.from, to: f.to, limit: f.limit ?? 25_000 });
    await audit(app.db, req, { action: 'read', entity: 'case_graph', details: { unit: f.unit ?? null, from: f.from ?? null, to: f.to ?? null, nodes: g.person.length, names: g.name ? g.name.length : 0 } });
    return g;
  });

  app.post(
    '/cases/graph/names',
    {
      ...read,
      schema: {
        tags: ['cases'],
        summary: 'Names of the people a large graph shows (the graph itself carries names only up to 5,000 people)',
        body: Type.Object({ people: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 2000 }) }, { additionalProperties: false }),
      },
    },
    async (req) => {
      const { people } = req.body as { people: number[] };
      const names = await personNames(app.db, scopeOf(req), [...new Set(people)]);
      await audit(app.db, req, { action: 'read', entity: 'case_graph_names', details: { count: names.size } });
      return { people: [...names.keys()], names: [...names.values()] };
    },
  );

  app.get('/cases/:id', { ...read, schema: { tags: ['cases'], summary: 'A case with its person, timeline, contacts, orders and household proposals', params: Id } }, async (req) => {
    const { id } = req.params as { id: number };
    const scope = scopeOf(req);
    const c = await store.getCase(app.db, scope, id);
    if (!c) {
      await audit(app.db, req, { action: 'read', entity: 'case', entityId: id, outcome: 'not_found' });
      throw notFound();
    }
    const [events, contacts, proposals, orders, handovers, clusters] = await Promise.all([
      store.caseEvents(app.db, scope.provinceCode, id),
      store.contactsOfCase(app.db, scope, id),
      store.householdProposals(app.db, scope, c.personId, c.householdId),
      listOrders(app.db, scope, { personId: c.personId, limit: 20 }),
      handoversOfCase(app.db, scope, id),
      app.db.query<{ id: number; name: string; status: string }>(
        `SELECT cl.id, cl.name, cl.status FROM cluster cl JOIN cluster_case cc ON cc.province_code = cl.province_code AND cc.cluster_id = cl.id WHERE cl.province_code = $1 AND cc.case_id = $2`,
        [scope.provinceCode, id],
      ),
    ]);
    await audit(app.db, req, { action: 'read', entity: 'case', entityId: id, details: { personId: c.personId } });
    // Contacts living outside the jurisdiction are not in `contacts`: `handovers` shows what was recorded and sent.
    return { case: c, events, contacts, householdProposals: proposals, orders, handovers, clusters: clusters.rows };
  });

  app.patch(
    '/cases/:id',
    { ...manage, schema: { tags: ['cases'], summary: 'Edit a case: send the version you read; 409 stale when someone else saved first', params: Id, body: CasePatchBody } },
    async (req) => {
      const { id } = req.params as { id: number };
      return app.db.tx((q) => updateCase(q, req, scopeOf(req), actorOf(req), id, req.body as CasePatch));
    },
  );

  app.post(
    '/cases/:id/contacts',
    {
      ...manage,
      schema: {
        tags: ['cases'],
        summary: 'Add F1 contacts of a case; a contact living in another commune is handed over to it (`handover`, one contact per request, replay-safe by requestId)',
        params: Id,
        body: Type.Object({ contacts: Type.Array(ContactBody, { minItems: 1, maxItems: 500 }) }, { additionalProperties: false }),
      },
    },
    async (req, reply) => {
      const { id } = req.params as { id: number };
      const res = await app.db.tx((q) => addContacts(q, req, scopeOf(req), actorOf(req), { kind: 'case', caseId: id }, (req.body as { contacts: ContactInput[] }).contacts));
      return reply.status(201).send({ contacts: publicContacts(res) });
    },
  );

  // ---- Contacts ----
  app.get('/contacts/:id', { ...read, schema: { tags: ['cases'], summary: 'A contact with the people they exposed in turn', params: Id } }, async (req) => {
    const { id } = req.params as { id: number };
    const scope = scopeOf(req);
    const k = await store.getContact(app.db, scope, id);
    await audit(app.db, req, { action: 'read', entity: 'contact', entityId: id, outcome: k ? 'ok' : 'not_found' });
    if (!k) throw notFound();
    const onward = await app.db.query<{ id: number }>(`SELECT id FROM contact WHERE province_code = $1 AND source_contact_id = $2 AND unit_path LIKE $3 || '%' ORDER BY id`, [
      scope.provinceCode,
      id,
      scope.path,
    ]);
    const next = await Promise.all(onward.rows.map((r) => store.getContact(app.db, scope, Number(r.id))));
    return { contact: k, contacts: next.filter(Boolean) };
  });

  app.post(
    '/contacts/:id/contacts',
    {
      ...manage,
      schema: {
        tags: ['cases'],
        summary: 'Add contacts of a contact (F2 of an F1, and so on); one living in another commune is handed over to it',
        params: Id,
        body: Type.Object({ contacts: Type.Array(ContactBody, { minItems: 1, maxItems: 500 }) }, { additionalProperties: false }),
      },
    },
    async (req, reply) => {
      const { id } = req.params as { id: number };
      const res = await app.db.tx((q) => addContacts(q, req, scopeOf(req), actorOf(req), { kind: 'contact', contactId: id }, (req.body as { contacts: ContactInput[] }).contacts));
      return reply.status(201).send({ contacts: publicContacts(res) });
    },
  );

  app.post(
    '/contacts/:id/reject',
    { ...manage, schema: { tags: ['cases'], summary: 'Mark a traced or proposed contact as not a contact, with the reason', params: Id, body: Type.Object({ reason: Type.String({ minLength: 2, maxLength: 500 }) }, { additionalProperties: false }) } },
    async (req) => {
      const { id } = req.params as { id: number };
      return app.db.tx(async (q) => {
        const scope = scopeOf(req);
        const k = await store.getContact(q, scope, id);
        if (!k) throw notFound();
        if (k.status === 'became_case') throw new AppError(409, 'invalid_state', [{ field: 'status', code: k.status }]);
        await q.query(`UPDATE contact SET status = 'rejected', note = $3 WHERE province_code = $1 AND id = $2`, [scope.provinceCode, id, (req.body as { reason: string }).reason]);
        await q.query(`UPDATE task SET status = 'cancelled', note = 'contact_rejected' WHERE province_code = $1 AND contact_id = $2 AND status = 'open'`, [scope.provinceCode, id]);
        await audit(q, req, { action: 'update', entity: 'contact', entityId: id, details: { status: 'rejected' } });
        return store.getContact(q, scope, id);
      });
    },
  );

  app.post(
    '/contacts/:id/convert',
    {
      ...manage,
      schema: {
        tags: ['cases'],
        summary: 'A contact tested positive: register them as a case, keeping how they were exposed',
        params: Id,
        body: Type.Omit(CaseBody, ['personId', 'reportedVia', 'contacts']),
      },
    },
    async (req, reply) => {
      const { id } = req.params as { id: number };
      const res = await app.db.tx(async (q) => {
        const k = await store.getContact(q, scopeOf(req), id);
        if (!k) throw notFound();
        const body = req.body as Omit<CaseInput, 'personId' | 'reportedVia'>;
        return createCase(q, req, scopeOf(req), actorOf(req), { ...body, personId: k.personId, reportedVia: 'contact' }, id);
      });
      return reply.status(201).send(res);
    },
  );

  app.get('/people/:id/tracing', { ...read, schema: { tags: ['cases'], summary: "A person's cases, exposures and orders", params: Id } }, async (req) => {
    const { id } = req.params as { id: number };
    const scope = scopeOf(req);
    const person = (await store.personsInScope(app.db, scope, [id])).get(id);
    if (!person) throw notFound();
    const [cases, contacts, orders] = await Promise.all([
      app.db.query<{ id: number; status: string; reportDate: string }>(
        `SELECT id, status, report_date AS "reportDate" FROM case_record WHERE province_code = $1 AND person_id = $2 ORDER BY report_date DESC`,
        [scope.provinceCode, id],
      ),
      store.contactsOfPerson(app.db, scope, id),
      listOrders(app.db, scope, { personId: id, limit: 20 }),
    ]);
    // An exposure handed over from another commune: its case is theirs (not openable here); say where it came from instead.
    const links = contacts.length
      ? await app.db.query<{ contactId: number; caseVisible: boolean; handoverId: number | null; handoverStatus: string | null; handoverFrom: string | null }>(
          `SELECT k.id AS "contactId", EXISTS (SELECT 1 FROM case_record c WHERE c.province_code = k.province_code AND c.id = k.root_case_id AND c.unit_path LIKE $3 || '%') AS "caseVisible",
                  h.id AS "handoverId", h.status AS "handoverStatus", u.name AS "handoverFrom"
             FROM contact k
             LEFT JOIN LATERAL (SELECT * FROM contact_handover x WHERE x.province_code = k.province_code AND x.contact_id = k.id AND x.to_path LIKE $3 || '%' ORDER BY x.id DESC LIMIT 1) h ON true
             LEFT JOIN admin_unit u ON u.province_code = h.province_code AND u.code = h.from_unit_code
            WHERE k.province_code = $1 AND k.id = ANY($2::bigint[])`,
          [scope.provinceCode, contacts.map((k) => k.id), scope.path],
        )
      : { rows: [] };
    const byContact = new Map(links.rows.map((l) => [Number(l.contactId), l]));
    await audit(app.db, req, { action: 'read', entity: 'person_tracing', entityId: id });
    return {
      cases: cases.rows,
      contacts: contacts.map((k) => {
        const l = byContact.get(Number(k.id));
        return { ...k, caseVisible: l?.caseVisible ?? false, handoverId: l?.handoverId ?? null, handoverStatus: l?.handoverStatus ?? null, handoverFrom: l?.handoverFrom ?? null };
      }),
      orders,
    };
  });

  // ---- Clusters ----
  app.get('/clusters', { ...read, schema: { tags: ['cases'], summary: 'Clusters (ổ dịch, chùm ca bệnh) in the jurisdiction' } }, async (req) => {
    const scope = scopeOf(req);
    const r = await app.db.query(
      `SELECT cl.id, cl.name, cl.status, cl.link, cl.first_date AS "firstDate", cl.last_date AS "lastDate", cl.note,
              (SELECT count(*)::int FROM cluster_case cc WHERE cc.province_code = cl.province_code AND cc.cluster_id = cl.id) AS cases
         FROM cluster cl WHERE cl.province_code = $1 AND cl.unit_path LIKE $2 || '%' ORDER BY cl.status, cl.last_date DESC NULLS LAST, cl.id DESC`,
      [scope.provinceCode, scope.path],
    );
    return r.rows;
  });

  app.post(
    '/clusters/proposals',
    { ...read, schema: { tags: ['cases'], summary: 'Propose clusters from connected cases not yet in an active cluster (nothing is saved)', body: Type.Object({ from: Type.Optional(DateString), to: Type.Optional(DateString) }, { additionalProperties: false }) } },
    async (req) => {
      const scope = scopeOf(req);
      const body = req.body as { from?: string; to?: string };
      const window = await policyOn<{ days: number }>(app.db, scope.provinceCode, 'clusters.window_days', body.to ?? todayInVietnam());
      return clusterProposals(app.db, scope, { ...body, windowDays: window?.value.days ?? 14 });
    },
  );

  app.post(
    '/clusters',
    {
      ...manage,
      schema: {
        tags: ['cases'],
        summary: 'Create a cluster from cases',
        body: Type.Object(
          {
            name: Type.String({ minLength: 3, maxLength: 200 }),
            caseIds: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 20_000, uniqueItems: true }),
            link: Type.Optional(Type.Union(['contacts', 'household', 'venue', 'mixed', 'manual'].map((s) => Type.Literal(s)))),
            note: Type.Optional(Note),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      const body = req.body as { name: string; caseIds: number[]; link?: string; note?: string | null };
      const scope = scopeOf(req);
      const id = await app.db.tx(async (q) => {
        const found = await q.query<{ id: number; path: string; reportDate: string }>(
          `SELECT id, unit_path AS path, report_date AS "reportDate" FROM case_record WHERE province_code = $1 AND id = ANY($2::bigint[]) AND unit_path LIKE $3 || '%'`,
          [scope.provinceCode, body.caseIds, scope.path],
        );
        const ids = new Set(found.rows.map((r) => Number(r.id)));
        const missing = body.caseIds.flatMap((c, i) => (ids.has(c) ? [] : [{ field: `caseIds.${i}`, code: 'not_found' }]));
        if (missing.length) throw badRequest(missing);
        const prefix = commonPath(found.rows.map((r) => r.path));
        const dates = found.rows.map((r) => r.reportDate).sort();
        const r = await q.query<{ id: number }>(
          `INSERT INTO cluster (province_code, name, unit_path, link, first_date, last_date, note, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
          [scope.provinceCode, body.name, prefix, body.link ?? 'manual', dates[0], dates[dates.length - 1], body.note ?? null, req.user!.id],
        );
        const clusterId = Number(r.rows[0].id);
        await q.query(`INSERT INTO cluster_case (province_code, cluster_id, case_id) SELECT $1, $2, unnest($3::bigint[])`, [scope.provinceCode, clusterId, body.caseIds]);
        await audit(q, req, { action: 'create', entity: 'cluster', entityId: clusterId, details: { cases: body.caseIds.length } });
        return clusterId;
      });
      return reply.status(201).send({ id });
    },
  );

  app.patch(
    '/clusters/:id',
    { ...manage, schema: { tags: ['cases'], summary: 'Rename or close a cluster', params: Id, body: Type.Object({ name: Type.Optional(Type.String({ minLength: 3, maxLength: 200 })), status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('closed')])), note: Type.Optional(Note) }, { additionalProperties: false }) } },
    async (req) => {
      const { id } = req.params as { id: number };
      const b = req.body as { name?: string; status?: string; note?: string | null };
      const scope = scopeOf(req);
      return app.db.tx(async (q) => {
        const r = await q.query(
          `UPDATE cluster SET name = coalesce($4, name), status = coalesce($5, status), note = coalesce($6, note) WHERE province_code = $1 AND id = $2 AND unit_path LIKE $3 || '%' RETURNING id, name, status`,
          [scope.provinceCode, id, scope.path, b.name ?? null, b.status ?? null, b.note ?? null],
        );
        if (!r.rows[0]) throw notFound();
        await audit(q, req, { action: 'update', entity: 'cluster', entityId: id, details: b });
        return r.rows[0];
      });
    },
  );

  // ---- Zones ----
  app.get('/zones', { ...read, schema: { tags: ['zones'], summary: 'Zones and lockdowns in the jurisdiction', querystring: Type.Object({ status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('lifted')])) }) } }, async (req) =>
    listZones(app.db, scopeOf(req), (req.query as { status?: string }).status),
  );

  app.post(
    '/zones',
    {
      ...zones,
      schema: {
        tags: ['zones'],
        summary: 'Zone or lock down communes / villages (optionally with a drawn polygon); the lift date follows the policy',
        body: Type.Object(
          {
            name: Type.String({ minLength: 3, maxLength: 200 }),
            kind: Type.Union([Type.Literal('lockdown'), Type.Literal('zoned')]),
            unitCodes: Type.Array(Code, { minItems: 1, maxItems: 200 }),
            streets: Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()])),
            geometry: Type.Optional(Type.Union([Type.Object({ type: Type.String(), coordinates: Type.Array(Type.Unknown()) }), Type.Null()])),
            startDate: DateString,
            reason: Type.Optional(Note),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => reply.status(201).send(await app.db.tx((q) => createZone(q, req, scopeOf(req), req.user!.id, req.body as ZoneInput))),
  );

  app.get('/zones/:id/residents', {
    ...read,
    schema: { tags: ['zones'], summary: 'People living in a zone', params: Id, querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })), offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })) }) },
  }, async (req) => {
    const { id } = req.params as { id: number };
    const { limit = 200, offset = 0 } = req.query as { limit?: number; offset?: number };
    const res = await zoneResidents(app.db, scopeOf(req), id, limit, offset);
    await audit(app.db, req, { action: 'read', entity: 'zone_residents', entityId: id, outcome: res ? 'ok' : 'not_found', details: { count: res?.items.length ?? 0 } });
    if (!res) throw notFound();
    return res;
  });

  app.post(
    '/zones/:id/extend',
    { ...zones, schema: { tags: ['zones'], summary: 'Extend a zone past its planned lift date', params: Id, body: Type.Object({ to: DateString, reason: Type.String({ minLength: 3, maxLength: 1000 }), version: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }) } },
    async (req) => app.db.tx((q) => extendZone(q, req, scopeOf(req), (req.params as { id: number }).id, req.body as { to: string; reason: string; version: number })),
  );

  app.post(
    '/zones/:id/lift',
    { ...zones, schema: { tags: ['zones'], summary: 'Lift a zone (before its planned date only with a reason)', params: Id, body: Type.Object({ date: DateString, version: Type.Integer({ minimum: 1 }), reason: Type.Optional(Note) }, { additionalProperties: false }) } },
    async (req) => app.db.tx((q) => liftZone(q, req, scopeOf(req), (req.params as { id: number }).id, req.body as { date: string; version: number; reason?: string | null })),
  );

  app.get('/zones/:id', { ...read, schema: { tags: ['zones'], summary: 'A zone', params: Id } }, async (req) => {
    const z = await getZone(app.db, scopeOf(req), (req.params as { id: number }).id);
    if (!z) throw notFound();
    return z;
  });

  // ---- Quarantine and isolation ----
  app.get('/facilities', { ...read, schema: { tags: ['quarantine'], summary: 'Centralised quarantine facilities with their occupancy' } }, async (req) => listFacilities(app.db, scopeOf(req)));

  app.post(
    '/facilities',
    {
      ...quarantine,
      schema: {
        tags: ['quarantine'],
        summary: 'Register a quarantine facility',
        body: Type.Object(
          { name: Type.String({ minLength: 3, maxLength: 200 }), kind: Type.Union([Type.Literal('centralised'), Type.Literal('hospital')]), communeCode: Code, address: Type.Optional(Note), capacity: Type.Integer({ minimum: 1, maximum: 100_000 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      const id = await app.db.tx((q) => createFacility(q, req, scopeOf(req), req.body as Parameters<typeof createFacility>[3]));
      return reply.status(201).send({ id });
    },
  );

  app.get('/quarantine-orders', {
    ...read,
    schema: { tags: ['quarantine'], summary: 'Quarantine and isolation orders in the jurisdiction', querystring: Type.Object({ status: Type.Optional(Type.Union(['active', 'released', 'cancelled'].map((s) => Type.Literal(s)))), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })) }) },
  }, async (req) => {
    const { status, limit = 200 } = req.query as { status?: string; limit?: number };
    const rows = await listOrders(app.db, scopeOf(req), { status, limit });
    await audit(app.db, req, { action: 'search', entity: 'quarantine_order', details: { status: status ?? null, results: rows.length } });
    return rows;
  });

  app.post(
    '/quarantine-orders',
    {
      ...quarantine,
      schema: {
        tags: ['quarantine'],
        summary: 'Issue a quarantine (contact) or isolation (case) order; dates come from the policy in force',
        body: Type.Object(
          {
            personId: Type.Integer({ minimum: 1 }),
            kind: Type.Union([Type.Literal('quarantine'), Type.Literal('isolation')]),
            place: Type.Optional(Type.Union(['home', 'centralised', 'hospital'].map((s) => Type.Literal(s)))),
            facilityId: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
            orderDate: Type.Optional(DateString),
            immunity: Type.Optional(Type.Object({ fullyVaccinatedOn: Type.Optional(NullableDate), recoveredOn: Type.Optional(NullableDate) }, { additionalProperties: false })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => reply.status(201).send(await app.db.tx((q) => issueOrder(q, req, scopeOf(req), actorOf(req), req.body as OrderInput))),
  );

  app.get('/quarantine-orders/:id', { ...read, schema: { tags: ['quarantine'], summary: 'An order with its daily checks', params: Id } }, async (req) => {
    const { id } = req.params as { id: number };
    const o = await getOrder(app.db, scopeOf(req), id);
    await audit(app.db, req, { action: 'read', entity: 'quarantine_order', entityId: id, outcome: o ? 'ok' : 'not_found' });
    if (!o) throw notFound();
    return o;
  });

  app.get('/quarantine-orders/:id/decision.pdf', { ...read, schema: { tags: ['quarantine'], summary: 'The printable decision (PDF, Vietnamese)', params: Id } }, async (req, reply) => {
    const { id } = req.params as { id: number };
    const scope = scopeOf(req);
    const data = await decisionPdfData(app.db, scope, id);
    await audit(app.db, req, { action: 'export', entity: 'quarantine_order', entityId: id, outcome: data ? 'ok' : 'not_found', details: { document: 'decision' } });
    if (!data) throw notFound();
    const pdf = await renderDecisionPdf(data);
    return reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', `inline; filename="quyet-dinh-${id}.pdf"`)
      .header('cache-control', 'no-store')
      .send(pdf);
  });

  app.post(
    '/quarantine-orders/:id/checks',
    { ...work, schema: { tags: ['quarantine'], summary: "Record a day's check of a person under order", params: Id, body: Type.Object({ day: DateString, status: Type.Union(['ok', 'symptoms', 'absent'].map((s) => Type.Literal(s))), note: Type.Optional(Note) }, { additionalProperties: false }) } },
    async (req) => app.db.tx((q) => recordCheck(q, req, scopeOf(req), actorOf(req), (req.params as { id: number }).id, req.body as { day: string; status: 'ok' | 'symptoms' | 'absent'; note?: string | null })),
  );

  app.post(
    '/quarantine-orders/:id/release',
    { ...quarantine, schema: { tags: ['quarantine'], summary: 'Release from quarantine or isolation (early only with a reason)', params: Id, body: Type.Object({ date: DateString, note: Type.Optional(Note) }, { additionalProperties: false }) } },
    async (req) => app.db.tx((q) => releaseOrder(q, req, scopeOf(req), (req.params as { id: number }).id, req.body as { date: string; note?: string | null })),
  );

  // ---- Tasks ----
  app.get('/tasks', {
    ...work,
    schema: {
      tags: ['tasks'],
      summary: "Tracing and follow-up tasks: a team member sees their role's tasks in their jurisdiction",
      querystring: Type.Object({ state: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('overdue'), Type.Literal('done')])), mine: Type.Optional(Type.Boolean()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) }),
    },
  }, async (req) => {
    const { state = 'open', mine, limit = 100 } = req.query as { state?: 'open' | 'overdue' | 'done'; mine?: boolean; limit?: number };
    const scope = scopeOf(req);
    const role = ['community_team', 'health_worker'].includes(req.user!.role) ? req.user!.role : null;
    const [items, counts] = await Promise.all([listTasks(app.db, scope, { state, role, mine: mine ? req.user!.id : null, limit }), taskCounts(app.db, scope, role)]);
    await audit(app.db, req, { action: 'search', entity: 'task', details: { state, results: items.length } });
    return { items, counts };
  });

  app.post(
    '/tasks/:id/complete',
    { ...work, schema: { tags: ['tasks'], summary: 'Mark a task done', params: Id, body: Type.Object({ note: Type.Optional(Note) }, { additionalProperties: false }) } },
    async (req) => {
      const { id } = req.params as { id: number };
      return app.db.tx(async (q) => {
        const scope = scopeOf(req);
        const t = await getTask(q, scope, id, true);
        if (!t) throw notFound();
        if (t.status !== 'open') throw new AppError(409, 'invalid_state', [{ field: 'status', code: t.status }]);
        // Receiving a traced contact is done by answering the hand-over (accept or return).
        if (t.kind === 'receive_handover') throw new AppError(409, 'invalid_state', [{ field: 'kind', code: 'answer_the_handover' }]);
        await completeTask(q, scope.provinceCode, id, req.user!.id, (req.body as { note?: string | null }).note ?? null);
        await audit(q, req, { action: 'update', entity: 'task', entityId: id, details: { status: 'done' } });
        return getTask(q, scope, id);
      });
    },
  );

  app.post('/tasks/:id/take', { ...work, schema: { tags: ['tasks'], summary: 'Take a task (assign it to yourself)', params: Id } }, async (req) => {
    const { id } = req.params as { id: number };
    return app.db.tx(async (q) => {
      const scope = scopeOf(req);
      const t = await getTask(q, scope, id, true);
      if (!t) throw notFound();
      if (t.status !== 'open') throw new AppError(409, 'invalid_state', [{ field: 'status', code: t.status }]);
      await assignTask(q, scope.provinceCode, id, req.user!.id);
      await audit(q, req, { action: 'update', entity: 'task', entityId: id, details: { assignee: req.user!.id } });
      return getTask(q, scope, id);
    });
  });
};

export default routes;
