// HTTP for contacts handed over between communes (handover.ts): identity check, the communes a new
// contact can be placed in, the inbox and outbox, and the receiving commune's answers. Recording a
// hand-over goes through the contact endpoints (routes.ts) with `handover` on the contact.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { notFound } from '../../errors.ts';
import { audit } from '../../plugins/audit.ts';
import { scopeOf } from '../units/routes.ts';
import { searchKey } from '../../../domain/people/normalize.ts';
import { RETURN_REASONS, type HandoverAnswer, type HandoverStatus, type IdentityInput } from '../../../domain/cases/handover.ts';
import { answerHandover, getIncoming, listHandovers, lookupIdentity, otherUnits, resendHandover, type Box, type HandoverRequest } from './handover.ts';
import type { Actor, AddedContact } from './service.ts';

const Uuid = Type.String({ pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$', description: 'A UUID the client makes once per hand-over: sending it again returns the first answer' });
const Message = Type.Union([Type.String({ maxLength: 1000 }), Type.Null()]);

export const HandoverBody = Type.Object(
  { requestId: Uuid, message: Type.Optional(Message) },
  { additionalProperties: false, description: 'The contact lives outside your jurisdiction: record them and hand them over to the commune they live in' },
);

export const IdentityBody = Type.Object(
  {
    fullName: Type.String({ minLength: 2, maxLength: 200 }),
    cccd: Type.Optional(Type.Union([Type.String({ maxLength: 20 }), Type.Null()])),
    phone: Type.Optional(Type.Union([Type.String({ maxLength: 20 }), Type.Null()])),
    birthDate: Type.Optional(Type.Union([Type.String({ maxLength: 20 }), Type.Null()])),
  },
  { additionalProperties: false, description: 'Someone of another commune, named exactly: the CCCD, or the phone + name + birth date (never a search)' },
);

/** Contacts as the sender may see them: a handed-over contact's registry id is not theirs to know. */
export function publicContacts(rows: AddedContact[]) {
  return rows.map((r) => (r.handover ? { id: r.id, degree: r.degree, meetsDefinition: r.meetsDefinition, handover: r.handover } : r));
}

const Id = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) });
const Status = Type.Union(['pending', 'accepted', 'returned'].map((s) => Type.Literal(s)));
const Note = Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()]));
/** Identity look-ups per user and minute: enough for a tracer at work, too few to sweep CCCD numbers. */
const LOOKUPS_PER_MINUTE = 30;

const actorOf = (req: FastifyRequest): Actor => ({ id: req.user!.id, username: req.user!.username });

const routes: FastifyPluginAsync = async (app) => {
  const manage = { onRequest: app.requirePermission('cases.manage') };

  app.post(
    '/handovers/lookup',
    {
      ...manage,
      config: { rateLimit: { max: LOOKUPS_PER_MINUTE, timeWindow: '1 minute', hook: 'preHandler', keyGenerator: (req: FastifyRequest) => `handover-lookup|${req.user?.id ?? req.ip}` } },
      schema: {
        tags: ['cases'],
        summary: 'Is someone of another commune in the registry? Answers found / not found / several and the commune they live in, nothing more (audited)',
        body: IdentityBody,
      },
    },
    async (req) => lookupIdentity(app.db, req, scopeOf(req), req.body as IdentityInput),
  );

  app.get(
    '/handovers/units',
    {
      ...manage,
      schema: {
        tags: ['cases'],
        summary: 'Communes and villages outside your jurisdiction (by name, diacritics optional), to place a new contact who lives there',
        querystring: Type.Object({ q: Type.String({ minLength: 1, maxLength: 100 }) }),
      },
    },
    async (req) => {
      const key = searchKey((req.query as { q: string }).q);
      return key ? otherUnits(app.db, scopeOf(req), key) : [];
    },
  );

  app.get(
    '/handovers',
    {
      ...manage,
      schema: {
        tags: ['cases'],
        summary: 'Hand-overs received by your communes (box=in: with the person of your registry) or sent from them (box=out: what you recorded and the answer)',
        querystring: Type.Object({
          box: Type.Union([Type.Literal('in'), Type.Literal('out')]),
          status: Type.Optional(Status),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
        }),
      },
    },
    async (req) => {
      const { box, status, limit = 100 } = req.query as { box: Box; status?: HandoverStatus; limit?: number };
      const res = await listHandovers(app.db, scopeOf(req), { box, status: status ?? null, limit });
      await audit(app.db, req, { action: 'search', entity: 'contact_handover', details: { box, status: status ?? null, results: res.items.length } });
      return res;
    },
  );

  app.get('/handovers/:id', { ...manage, schema: { tags: ['cases'], summary: 'A hand-over addressed to your communes, with the person', params: Id } }, async (req) => {
    const { id } = req.params as { id: number };
    const h = await getIncoming(app.db, scopeOf(req), id);
    await audit(app.db, req, { action: 'read', entity: 'contact_handover', entityId: id, outcome: h ? 'ok' : 'not_found' });
    if (!h) throw notFound();
    return h;
  });

  app.post(
    '/handovers/:id/accept',
    {
      ...manage,
      schema: { tags: ['cases'], summary: 'Accept a hand-over: your commune now follows the contact up (their call task goes to your team); sending it again changes nothing', params: Id, body: Type.Object({ note: Note }, { additionalProperties: false }) },
    },
    async (req) => {
      const { id } = req.params as { id: number };
      const body = req.body as { note?: string | null };
      return app.db.tx((q) => answerHandover(q, req, scopeOf(req), actorOf(req), id, { action: 'accept', note: body.note }));
    },
  );

  app.post(
    '/handovers/:id/return',
    {
      ...manage,
      schema: {
        tags: ['cases'],
        summary: 'Return a hand-over to the sender with the reason (a note is required for "other")',
        params: Id,
        body: Type.Object({ reason: Type.Union(RETURN_REASONS.map((r) => Type.Literal(r))), note: Note }, { additionalProperties: false }),
      },
    },
    async (req) => {
      const { id } = req.params as { id: number };
      return app.db.tx((q) => answerHandover(q, req, scopeOf(req), actorOf(req), id, { action: 'return', ...(req.body as { reason: (typeof RETURN_REASONS)[number]; note?: string | null }) } as HandoverAnswer));
    },
  );

  app.post(
    '/handovers/:id/resend',
    {
      ...manage,
      schema: {
        tags: ['cases'],
        summary: 'Hand a returned contact over again, to the commune they live in now',
        params: Id,
        body: Type.Object({ requestId: Uuid, message: Type.Optional(Message) }, { additionalProperties: false }),
      },
    },
    async (req, reply) => {
      const { id } = req.params as { id: number };
      const res = await app.db.tx((q) => resendHandover(q, req, scopeOf(req), actorOf(req), id, req.body as HandoverRequest));
      return reply.status(201).send(res);
    },
  );
};

export default routes;
