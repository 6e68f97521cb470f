import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { audit } from '../../plugins/audit.ts';
import { ROLES } from '../../../domain/access/roles.ts';
import { createUser, listUsers } from './service.ts';

const routes: FastifyPluginAsync = async (app) => {
  const manage = { onRequest: app.requirePermission('users.manage') };
  app.get('/users', { ...manage, schema: { tags: ['users'], summary: 'Users within the caller’s jurisdiction' } }, async (req) =>
    listUsers(app.db, req.user!.provinceCode, req.user!.unitPath),
  );
  app.post(
    '/users',
    {
      ...manage,
      schema: {
        tags: ['users'],
        summary: 'Create a user with a role and a jurisdiction',
        body: Type.Object(
          {
            username: Type.String({ pattern: '^[A-Za-z0-9._-]{3,50}$' }),
            fullName: Type.String({ minLength: 1, maxLength: 200 }),
            password: Type.String({ minLength: 10, maxLength: 200 }),
            role: Type.Union(ROLES.map((r) => Type.Literal(r))),
            unitCode: Type.String({ maxLength: 40 }),
            locale: Type.Optional(Type.Union([Type.Literal('vi'), Type.Literal('en')])),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      const body = req.body as Parameters<typeof createUser>[2];
      const id = await app.db.tx(async (q) => {
        const id = await createUser(q, req.user!.provinceCode, body, req.user!.unitPath);
        await audit(q, req, { action: 'create', entity: 'user', entityId: id, details: { username: body.username, role: body.role, unitCode: body.unitCode } });
        return id;
      });
      return reply.status(201).send({ id });
    },
  );
};
export default routes;
