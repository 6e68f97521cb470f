import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';

const routes: FastifyPluginAsync = async (app) => {
  app.get(
    '/audit',
    {
      onRequest: app.requirePermission('audit.read'),
      schema: {
        tags: ['audit'],
        summary: 'Search the audit log of the province (newest first)',
        querystring: Type.Object({
          username: Type.Optional(Type.String({ maxLength: 100 })),
          action: Type.Optional(Type.String({ maxLength: 30 })),
          entity: Type.Optional(Type.String({ maxLength: 50 })),
          entityId: Type.Optional(Type.String({ maxLength: 100 })),
          from: Type.Optional(Type.String({ format: 'date-time' })),
          to: Type.Optional(Type.String({ format: 'date-time' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
        }),
      },
    },
    async (req) => {
      const f = req.query as { username?: string; action?: string; entity?: string; entityId?: string; from?: string; to?: string; limit?: number; offset?: number };
      const params = [req.user!.provinceCode, f.username ?? null, f.action ?? null, f.entity ?? null, f.entityId ?? null, f.from ?? null, f.to ?? null];
      const where = `province_code = $1 AND ($2::text IS NULL OR lower(username) = lower($2)) AND ($3::text IS NULL OR action = $3)
        AND ($4::text IS NULL OR entity = $4) AND ($5::text IS NULL OR entity_id = $5)
        AND ($6::timestamptz IS NULL OR at >= $6) AND ($7::timestamptz IS NULL OR at < $7)`;
      const [rows, total] = await Promise.all([
        app.db.query(
          `SELECT id, at, user_id AS "userId", username, role, action, entity, entity_id AS "entityId", outcome, ip, user_agent AS "userAgent", details
             FROM audit_log WHERE ${where} ORDER BY at DESC, id DESC LIMIT $8 OFFSET $9`,
          [...params, f.limit ?? 100, f.offset ?? 0],
        ),
        app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE ${where}`, params),
      ]);
      return { total: total.rows[0].n, items: rows.rows };
    },
  );
};
export default routes;
