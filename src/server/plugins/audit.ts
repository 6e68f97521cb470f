// The audit log: who did or read what, when, from where. Writes are logged inside the same
// transaction as the change they describe, so neither exists without the other.
import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../db/index.ts';

export interface AuditEntry {
  action: 'read' | 'search' | 'create' | 'update' | 'delete' | 'import' | 'export' | 'login' | 'login_failed' | 'logout' | 'denied';
  entity: string;
  entityId?: string | number | null;
  outcome?: 'ok' | 'denied' | 'not_found' | 'failed';
  details?: Record<string, unknown>;
}

export async function audit(q: Queryable, req: FastifyRequest | null, e: AuditEntry, actor?: { provinceCode: string; id?: number | null; username?: string; role?: string }) {
  const u = req?.user;
  const provinceCode = actor?.provinceCode ?? u?.provinceCode;
  if (!provinceCode) return;
  await q.query(
    `INSERT INTO audit_log (province_code, user_id, username, role, action, entity, entity_id, outcome, ip, user_agent, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      provinceCode,
      actor?.id ?? u?.id ?? null,
      actor?.username ?? u?.username ?? null,
      actor?.role ?? u?.role ?? null,
      e.action,
      e.entity,
      e.entityId == null ? null : String(e.entityId),
      e.outcome ?? 'ok',
      req?.ip ?? null,
      (req?.headers['user-agent'] as string | undefined)?.slice(0, 300) ?? null,
      e.details ? JSON.stringify(e.details) : null,
    ],
  );
}
