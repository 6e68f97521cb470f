// Vaccination HTTP: sweep lists of a commune or village (audited: they list people), the PDF to
// print, and the community team's visits (one per idempotency key).
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { audit } from '../../plugins/audit.ts';
import { can } from '../../../domain/access/roles.ts';
import { scopeOf } from '../units/routes.ts';
import { VISIT_OUTCOMES, type VisitOutcome } from '../../../domain/vaccination/types.ts';
import { recordVisit, sweepList, sweepUnit, visitsOf, type VisitInput } from './sweep.ts';
import { renderSweepPdf } from './sweepPdf.ts';
import { doseRecorder } from './doseAdapter.ts';
import { Code } from './coverageRoutes.ts';

const Id = Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 });
const IdempotencyKey = Type.String({ minLength: 8, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$' });

const VisitBody = Type.Object(
  {
    personId: Id,
    outcome: Type.Union(VISIT_OUTCOMES.map((o) => Type.Literal(o))),
    reason: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
    idempotencyKey: IdempotencyKey,
    visitedAt: Type.Optional(Type.String({ format: 'date-time' })),
    dose: Type.Optional(
      Type.Union([
        Type.Object(
          {
            lotId: Id,
            siteName: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
            vaccinator: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
          },
          { additionalProperties: false, description: 'The dose given at the door (outcome vaccinated; needs vaccination.record). The kind is the one the schedule says is due.' },
        ),
        Type.Null(),
      ]),
    ),
  },
  { additionalProperties: false },
);

const routes: FastifyPluginAsync = async (app) => {
  const visit = { onRequest: app.requirePermission('vaccination.visit') };

  app.get(
    '/vaccination/sweep',
    {
      ...visit,
      schema: {
        tags: ['vaccination'],
        summary: 'The sweep list of a commune or village today: households in walking order (high-risk first in each village), the refusals apart',
        querystring: Type.Object({ unit: Code }, { additionalProperties: false }),
      },
    },
    async (req) => {
      const scope = scopeOf(req);
      const { unit: code } = req.query as { unit: string };
      const unit = await sweepUnit(app.db, scope, code);
      const list = await sweepList(app.db, scope.provinceCode, unit);
      await audit(app.db, req, { action: 'read', entity: 'sweep_list', entityId: unit.code, details: { people: list.counts.people + list.counts.refused } });
      return list;
    },
  );

  app.get(
    '/vaccination/sweep.pdf',
    { ...visit, schema: { tags: ['vaccination'], summary: 'The sweep list of a commune or village as a printable A4 PDF with a tick box per outcome', querystring: Type.Object({ unit: Code }, { additionalProperties: false }) } },
    async (req, reply) => {
      const scope = scopeOf(req);
      const { unit: code } = req.query as { unit: string };
      const unit = await sweepUnit(app.db, scope, code);
      const list = await sweepList(app.db, scope.provinceCode, unit);
      const province = await app.db.query<{ name: string }>(`SELECT name FROM admin_unit WHERE province_code = $1 AND level = 'province' LIMIT 1`, [scope.provinceCode]);
      const pdf = await renderSweepPdf(list, { provinceName: province.rows[0]?.name ?? '', printedBy: req.user!.username });
      await audit(app.db, req, { action: 'export', entity: 'sweep_list', entityId: unit.code, details: { people: list.counts.people + list.counts.refused, format: 'pdf' } });
      return reply.header('content-type', 'application/pdf').header('content-disposition', `inline; filename="ra-soat-tiem-chung-${unit.code}.pdf"`).header('cache-control', 'no-store').send(pdf);
    },
  );

  app.post(
    '/vaccination/sweep/visits',
    {
      ...visit,
      schema: {
        tags: ['vaccination'],
        summary: 'Record the outcome of a door-to-door visit (a reason for refused / contraindicated / vaccinated elsewhere). The same idempotencyKey again returns the visit recorded (200, replayed)',
        body: VisitBody,
      },
    },
    async (req, reply) => {
      const scope = scopeOf(req);
      const body = req.body as VisitInput & { outcome: VisitOutcome };
      const mayRecord = can(req.user!.role as Parameters<typeof can>[0], 'vaccination.record');
      const res = await app.db.tx(async (q) => {
        const r = await recordVisit(q, scope, req.user!.id, body, mayRecord ? doseRecorder(req, scope) : null);
        if (!r.replayed) await audit(q, req, { action: 'create', entity: 'sweep_visit', entityId: r.visit.id, details: { personId: r.visit.personId, outcome: r.visit.outcome, doseId: r.visit.doseId } });
        return r;
      });
      return reply.code(res.replayed ? 200 : 201).send(res);
    },
  );

  app.get(
    '/vaccination/sweep/visits',
    { ...visit, schema: { tags: ['vaccination'], summary: "A person's door-to-door visits, newest first", querystring: Type.Object({ personId: Id }, { additionalProperties: false }) } },
    async (req) => {
      const { personId } = req.query as { personId: number };
      const items = await visitsOf(app.db, scopeOf(req), personId);
      await audit(app.db, req, { action: 'read', entity: 'sweep_visit', entityId: personId, details: { visits: items.length } });
      return { items };
    },
  );
};

export default routes;
