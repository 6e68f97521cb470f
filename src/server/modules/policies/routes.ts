import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { audit } from '../../plugins/audit.ts';
import { notFound } from '../../errors.ts';
import { POLICY_DEFINITIONS, policyDefinition } from '../../../domain/policies/defaults.ts';
import { versionOn } from '../../../domain/policies/registry.ts';
import { addVersion, listVersions } from './service.ts';

const Version = Type.Object({
  key: Type.String(),
  version: Type.Number(),
  effectiveFrom: Type.String(),
  effectiveTo: Type.Union([Type.String(), Type.Null()]),
  value: Type.Unknown(),
  source: Type.String(),
  note: Type.Union([Type.String(), Type.Null()]),
});
const DateString = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

const routes: FastifyPluginAsync = async (app) => {
  app.get(
    '/policies',
    {
      onRequest: app.requirePermission('policies.read'),
      schema: { tags: ['policies'], summary: 'Every policy with its versions and the one in force on a date', querystring: Type.Object({ date: Type.Optional(DateString) }) },
    },
    async (req) => {
      const date = (req.query as { date?: string }).date ?? new Date().toISOString().slice(0, 10);
      const all = await listVersions(app.db, req.user!.provinceCode);
      return POLICY_DEFINITIONS.map((d) => {
        const versions = all.filter((v) => v.key === d.key);
        return { key: d.key, title: d.title, schema: d.schema, current: versionOn(versions, date), versions };
      });
    },
  );

  app.post(
    '/policies/:key/versions',
    {
      onRequest: app.requirePermission('policies.manage'),
      schema: {
        tags: ['policies'],
        summary: 'Add a dated version of a policy; the previous open version ends where it starts',
        params: Type.Object({ key: Type.String({ maxLength: 100 }) }),
        body: Type.Object(
          { effectiveFrom: DateString, value: Type.Unknown(), source: Type.String({ minLength: 3, maxLength: 500 }), note: Type.Optional(Type.String({ maxLength: 2000 })) },
          { additionalProperties: false },
        ),
        response: { 201: Version },
      },
    },
    async (req, reply) => {
      const { key } = req.params as { key: string };
      if (!policyDefinition(key)) throw notFound();
      const body = req.body as { effectiveFrom: string; value: unknown; source: string; note?: string };
      const v = await app.db.tx(async (q) => {
        const created = await addVersion(q, req.user!.provinceCode, key, body, req.user!.id);
        await audit(q, req, { action: 'create', entity: 'policy_version', entityId: `${key}#${created.version}`, details: { effectiveFrom: body.effectiveFrom, source: body.source } });
        return created;
      });
      return reply.status(201).send(v);
    },
  );
};
export default routes;
