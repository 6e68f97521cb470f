import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { Type } from 'typebox';
import { notFound, badRequest, conflict } from '../../errors.ts';
import { audit } from '../../plugins/audit.ts';
import * as store from './store.ts';
import { drawnBoundaries } from './drawing.ts';
import { childUnit, type Unit } from '../../../domain/units/tree.ts';
import { normalizeName, searchKey } from '../../../domain/people/normalize.ts';

export function scopeOf(req: FastifyRequest): store.Scope {
  return { provinceCode: req.user!.provinceCode, path: req.user!.unitPath };
}

const UnitSchema = Type.Object({
  code: Type.String(),
  parentCode: Type.Union([Type.String(), Type.Null()]),
  level: Type.String(),
  type: Type.Union([Type.String(), Type.Null()]),
  name: Type.String(),
  path: Type.String(),
  depth: Type.Number(),
  population: Type.Number(),
  households: Type.Number(),
  agedUnder18: Type.Number(),
  aged65Plus: Type.Number(),
  childCount: Type.Optional(Type.Number()),
  hasBoundary: Type.Optional(Type.Boolean()),
  parentName: Type.Optional(Type.Union([Type.String(), Type.Null()])),
});

const Code = Type.Object({ code: Type.String({ pattern: '^[A-Za-z0-9-]{1,40}$' }) });

/** If-None-Match holds the tag (or `*`); weak tags compare equal to strong ones for a GET. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}

const routes: FastifyPluginAsync = async (app) => {
  const read = { onRequest: app.requirePermission('units.read') };

  app.get('/units/root', { ...read, schema: { tags: ['units'], summary: "The root of the caller's jurisdiction", response: { 200: UnitSchema } } }, async (req) => {
    const u = await store.getUnitByPath(app.db, req.user!.provinceCode, req.user!.unitPath);
    if (!u) throw notFound();
    return u;
  });

  app.get(
    '/units/search',
    { ...read, schema: { tags: ['units'], summary: 'Find units by name, without diacritics', querystring: Type.Object({ q: Type.String({ minLength: 1, maxLength: 100 }) }), response: { 200: Type.Array(UnitSchema) } } },
    async (req) => store.searchUnits(app.db, scopeOf(req), searchKey((req.query as { q: string }).q)),
  );

  app.get(
    '/units/:code',
    {
      ...read,
      schema: {
        tags: ['units'],
        summary: 'A unit with its ancestors (breadcrumb) and children',
        params: Code,
        response: { 200: Type.Object({ unit: UnitSchema, ancestors: Type.Array(UnitSchema), children: Type.Array(UnitSchema) }) },
      },
    },
    async (req) => {
      const scope = scopeOf(req);
      const { code } = req.params as { code: string };
      const unit = await store.getUnit(app.db, scope, code);
      if (!unit) throw notFound();
      const [anc, kids] = await Promise.all([store.ancestors(app.db, scope, unit), store.children(app.db, scope, code)]);
      return { unit, ancestors: anc, children: kids };
    },
  );

  app.get(
    '/units/:code/map',
    {
      ...read,
      schema: {
        tags: ['units'],
        summary: "GeoJSON of the unit's children (or the unit itself when its children have no boundary), simplified for drawing, with statistics as properties",
        description:
          'Boundaries are simplified together for a map about 2,000 pixels wide (neighbours keep identical shared borders) and rounded to the precision that needs. Answers 304 to a matching If-None-Match.',
        params: Code,
      },
    },
    async (req, reply) => {
      const scope = scopeOf(req);
      const { code } = req.params as { code: string };
      const unit = await store.getUnit(app.db, scope, code);
      if (!unit) throw notFound();
      const [kids, shapes] = await Promise.all([store.children(app.db, scope, code), drawnBoundaries(app.db, scope, code)]);
      const byCode = new Map(kids.map((k) => [k.code, k]));
      const features = shapes
        .filter((s) => byCode.has(s.code))
        .map((s) => ({ type: 'Feature' as const, id: s.code, geometry: s.geometry, properties: { ...byCode.get(s.code)!, bbox: s.bbox } }));
      let outline = null;
      if (!features.length) {
        const [own] = await drawnBoundaries(app.db, scope, code, true);
        if (own) outline = { type: 'Feature' as const, id: own.code, geometry: own.geometry, properties: { ...unit, bbox: own.bbox } };
      }
      const body = JSON.stringify({
        type: 'FeatureCollection',
        unit,
        outline,
        features,
        withoutBoundary: kids.filter((k) => !k.hasBoundary).map((k) => k.code),
      });
      // The figures change with every registry import and the shapes with a boundary import: the
      // tag is the body's digest, so a reload after the minute of freshness costs a 304.
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
      reply.header('cache-control', 'private, max-age=60').header('etag', etag);
      if (matchesEtag(req.headers['if-none-match'], etag)) return reply.status(304).send();
      return reply.type('application/json; charset=utf-8').send(body);
    },
  );

  app.post(
    '/units/:code/children',
    {
      onRequest: app.requirePermission('units.manage'),
      schema: {
        tags: ['units'],
        summary: 'Add a village or residential group under a commune',
        params: Code,
        body: Type.Object(
          {
            code: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9-]{1,40}$' })),
            name: Type.String({ minLength: 1, maxLength: 200 }),
            type: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: UnitSchema },
      },
    },
    async (req, reply) => {
      const scope = scopeOf(req);
      const { code } = req.params as { code: string };
      const body = req.body as { code?: string; name: string; type?: string };
      const parent = await store.getUnit(app.db, scope, code);
      if (!parent) throw notFound();
      if (parent.level !== 'commune' && parent.level !== 'village') throw badRequest([{ field: 'code', code: 'not_a_commune' }]);
      const name = normalizeName(body.name);
      if (!name) throw badRequest([{ field: 'name', code: 'required' }]);
      const created = await app.db.tx(async (q) => {
        const siblings = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM admin_unit WHERE province_code = $1 AND parent_code = $2', [scope.provinceCode, code]);
        const childCode = body.code ?? `${code}-${String(siblings.rows[0].n + 1).padStart(2, '0')}`;
        const exists = await q.query('SELECT 1 FROM admin_unit WHERE province_code = $1 AND (code = $2 OR (parent_code = $3 AND name_search = $4))', [scope.provinceCode, childCode, code, searchKey(name)]);
        if (exists.rows.length) throw conflict([{ field: 'name', code: 'exists' }]);
        const p: Unit = { ...parent, parentCode: parent.parentCode, level: parent.level as Unit['level'], nameSearch: '' };
        const u = childUnit(p, childCode, name, body.type ?? 'Thôn');
        await store.upsertUnits(q, scope.provinceCode, [u]);
        await audit(q, req, { action: 'create', entity: 'admin_unit', entityId: u.code, details: { parent: code, name } });
        return (await store.getUnit(q, scope, u.code))!;
      });
      return reply.status(201).send(created);
    },
  );
};
export default routes;
