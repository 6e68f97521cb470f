import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { notFound, badRequest } from '../../errors.ts';
import { audit } from '../../plugins/audit.ts';
import { scopeOf } from '../units/routes.ts';
import { searchPeople } from './service.ts';
import * as store from './store.ts';
import { findDuplicates, mergePeople } from './merge.ts';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
export const PersonSchema = Type.Object({
  id: Type.Number(),
  cccd: Nullable(Type.String()),
  fullName: Type.String(),
  birthDate: Nullable(Type.String()),
  sex: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  communeCode: Type.String(),
  communeName: Nullable(Type.String()),
  villageCode: Nullable(Type.String()),
  villageName: Nullable(Type.String()),
  householdId: Nullable(Type.String()),
  address: Nullable(Type.String()),
});

const routes: FastifyPluginAsync = async (app) => {
  app.get(
    '/people',
    {
      onRequest: app.requirePermission('people.search'),
      schema: {
        tags: ['people'],
        summary: 'Search people by name (with or without diacritics), CCCD or phone',
        querystring: Type.Object({
          q: Type.String({ minLength: 1, maxLength: 100 }),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
          commune: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9-]{1,40}$' })),
        }),
        response: { 200: Type.Object({ kind: Type.Union([Type.String(), Type.Null()]), items: Type.Array(PersonSchema) }) },
      },
    },
    async (req) => {
      const { q, limit = 20, commune } = req.query as { q: string; limit?: number; commune?: string };
      const res = await searchPeople(app.db, scopeOf(req), q, limit, commune);
      if (!res.kind) throw badRequest([{ field: 'q', code: 'too_short' }]);
      await audit(app.db, req, { action: 'search', entity: 'person', details: { q, kind: res.kind, results: res.items.length } });
      return res;
    },
  );

  app.get(
    '/people/:id',
    {
      onRequest: app.requirePermission('people.read'),
      schema: {
        tags: ['people'],
        summary: "A person's record with their household",
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
      },
    },
    async (req) => {
      const { id } = req.params as { id: number };
      const scope = scopeOf(req);
      const person = await store.getPerson(app.db, scope, id);
      if (!person) {
        await audit(app.db, req, { action: 'read', entity: 'person', entityId: id, outcome: 'not_found' });
        throw notFound();
      }
      const household = person.householdId ? await store.getHousehold(app.db, scope, person.householdId) : null;
      await audit(app.db, req, { action: 'read', entity: 'person', entityId: id });
      return { person, household };
    },
  );

  app.get(
    '/people/:id/duplicates',
    {
      onRequest: app.requirePermission('people.read'),
      schema: { tags: ['people'], summary: 'Records that may be the same person (same CCCD, phone, or name and birth date)', params: Type.Object({ id: Type.Integer({ minimum: 1 }) }) },
    },
    async (req) => {
      const { id } = req.params as { id: number };
      const res = await findDuplicates(app.db, scopeOf(req), id);
      await audit(app.db, req, { action: 'search', entity: 'person_duplicates', entityId: id, outcome: res ? 'ok' : 'not_found', details: { results: res?.length ?? 0 } });
      if (!res) throw notFound();
      return res;
    },
  );

  app.post(
    '/people/merge',
    {
      onRequest: app.requirePermission('people.merge'),
      schema: {
        tags: ['people'],
        summary: 'Merge a duplicate record into another: its cases, exposures, orders and tasks move; contradicting records are refused',
        body: Type.Object(
          { keepId: Type.Integer({ minimum: 1 }), mergeId: Type.Integer({ minimum: 1 }), reason: Type.String({ minLength: 3, maxLength: 500 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => {
      const b = req.body as { keepId: number; mergeId: number; reason: string };
      return app.db.tx((q) => mergePeople(q, req, scopeOf(req), b.keepId, b.mergeId, b.reason));
    },
  );

  app.get(
    '/households/:id',
    {
      onRequest: app.requirePermission('people.read'),
      schema: { tags: ['people'], summary: 'A household and its members', params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 60 }) }) },
    },
    async (req) => {
      const { id } = req.params as { id: string };
      const h = await store.getHousehold(app.db, scopeOf(req), id);
      await audit(app.db, req, { action: 'read', entity: 'household', entityId: id, outcome: h ? 'ok' : 'not_found' });
      if (!h) throw notFound();
      return h;
    },
  );
};
export default routes;
