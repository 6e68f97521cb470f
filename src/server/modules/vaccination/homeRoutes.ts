// Vaccination HTTP: home vaccination requests (audited reads: they list people), scheduled to a
// mobile team with a task, done with the dose the team records.
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { AppError, notFound } from '../../errors.ts';
import { audit } from '../../plugins/audit.ts';
import { scopeOf } from '../units/routes.ts';
import { getUnit } from '../units/store.ts';
import { cancelHomeRequest, completeHomeRequest, createHomeRequest, getHomeRequest, listHomeRequests, scheduleHomeRequest, type HomeStatus } from './home.ts';
import { doseRecorder } from './doseAdapter.ts';
import { Code, DateString } from './coverageRoutes.ts';
import { todayInVietnam } from '../imports/service.ts';

const Id = Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 });
const IdParam = Type.Object({ id: Id });
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });

const routes: FastifyPluginAsync = async (app) => {
  const read = { onRequest: app.requirePermission('vaccination.read') };
  const visit = { onRequest: app.requirePermission('vaccination.visit') };
  const record = { onRequest: app.requirePermission('vaccination.record') };

  app.get(
    '/vaccination/home',
    {
      ...read,
      schema: {
        tags: ['vaccination'],
        summary: 'Home vaccination requests in the jurisdiction (open ones first, by date)',
        querystring: Type.Object(
          { status: Type.Optional(Type.Union(['open', 'requested', 'scheduled', 'done', 'cancelled'].map((s) => Type.Literal(s)))), unit: Type.Optional(Code), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })) },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => {
      const scope = scopeOf(req);
      const q = req.query as { status?: HomeStatus | 'open'; unit?: string; limit?: number };
      let unitPath: string | undefined;
      if (q.unit) {
        const u = await getUnit(app.db, scope, q.unit);
        if (!u) throw notFound();
        unitPath = u.path;
      }
      const items = await listHomeRequests(app.db, scope, { status: q.status, unitPath, limit: q.limit ?? 200 });
      await audit(app.db, req, { action: 'read', entity: 'home_vaccination_request', details: { unit: q.unit ?? null, status: q.status ?? null, count: items.length } });
      return { items };
    },
  );

  app.post(
    '/vaccination/home',
    {
      ...visit,
      schema: {
        tags: ['vaccination'],
        summary: 'Request home vaccination for someone who cannot travel (one open request per person)',
        body: Type.Object({ personId: Id, reason: Text(500), requestedOn: Type.Optional(DateString) }, { additionalProperties: false }),
      },
    },
    async (req, reply) => {
      const scope = scopeOf(req);
      const body = req.body as { personId: number; reason: string; requestedOn?: string };
      const r = await app.db.tx(async (q) => {
        const created = await createHomeRequest(q, scope, req.user!.id, body);
        await audit(q, req, { action: 'create', entity: 'home_vaccination_request', entityId: created.id, details: { personId: created.personId } });
        return created;
      });
      return reply.code(201).send(r);
    },
  );

  app.post(
    '/vaccination/home/:id/schedule',
    {
      ...record,
      schema: {
        tags: ['vaccination'],
        summary: 'Schedule (or move) a request to a mobile team on a date; the team gets a home_vaccination task due that day',
        params: IdParam,
        body: Type.Object({ team: Text(120), scheduledOn: DateString }, { additionalProperties: false }),
      },
    },
    async (req) => {
      const { id } = req.params as { id: number };
      const body = req.body as { team: string; scheduledOn: string };
      return app.db.tx(async (q) => {
        const r = await scheduleHomeRequest(q, scopeOf(req), id, body);
        await audit(q, req, { action: 'update', entity: 'home_vaccination_request', entityId: id, details: { team: r.team, scheduledOn: r.scheduledOn } });
        return r;
      });
    },
  );

  app.post(
    '/vaccination/home/:id/cancel',
    { ...visit, schema: { tags: ['vaccination'], summary: 'Cancel an open request, with the reason (its task is cancelled)', params: IdParam, body: Type.Object({ reason: Text(500) }, { additionalProperties: false }) } },
    async (req) => {
      const { id } = req.params as { id: number };
      const { reason } = req.body as { reason: string };
      return app.db.tx(async (q) => {
        const r = await cancelHomeRequest(q, scopeOf(req), req.user!.id, id, reason);
        await audit(q, req, { action: 'update', entity: 'home_vaccination_request', entityId: id, details: { status: 'cancelled' } });
        return r;
      });
    },
  );

  app.post(
    '/vaccination/home/:id/dose',
    {
      ...record,
      schema: {
        tags: ['vaccination'],
        summary: 'Record the dose given at home (the kind the schedule says is due); the request is done and its task completed',
        params: IdParam,
        body: Type.Object(
          { lotId: Id, givenOn: Type.Optional(DateString), vaccinator: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])), intervalOverrideReason: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])) },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => {
      const { id } = req.params as { id: number };
      const body = req.body as { lotId: number; givenOn?: string; vaccinator?: string | null; intervalOverrideReason?: string | null };
      const scope = scopeOf(req);
      return app.db.tx(async (q) => {
        const cur = await getHomeRequest(q, scope, id, true);
        if (!cur) throw notFound();
        if (cur.status !== 'scheduled' && cur.status !== 'requested') throw new AppError(409, 'invalid_state', [{ field: 'status', code: 'not_open', message: 'Đề nghị đã xong hoặc đã hủy / the request is closed' }]);
        const p = await q.query<{ unit_path: string }>(`SELECT unit_path FROM person WHERE province_code = $1 AND id = $2`, [scope.provinceCode, cur.personId]);
        const doseId = await doseRecorder(req, scope, 'home')(
          q,
          { id: cur.personId, unitPath: p.rows[0].unit_path },
          { lotId: body.lotId, siteName: cur.team ? `Tiêm tại nhà — ${cur.team}` : 'Tiêm tại nhà', vaccinator: body.vaccinator ?? cur.team, intervalOverrideReason: body.intervalOverrideReason ?? null },
          body.givenOn ?? todayInVietnam(),
        );
        const r = await completeHomeRequest(q, scope, req.user!.id, id, doseId);
        await audit(q, req, { action: 'update', entity: 'home_vaccination_request', entityId: id, details: { status: 'done', doseId } });
        return r;
      });
    },
  );
};

export default routes;
