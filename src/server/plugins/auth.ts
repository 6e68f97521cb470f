// Sessions, CSRF and permission checks. A session is a random token in an HttpOnly, SameSite=Strict
// cookie; the database keeps only its SHA-256. Each session has its own CSRF token, returned by
// login and /api/auth/me, that every state-changing request must echo in X-CSRF-Token.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/index.ts';
import { AppError } from '../errors.ts';
import { can, type Permission, type Role } from '../../domain/access/roles.ts';

export interface SessionUser {
  id: number;
  provinceCode: string;
  username: string;
  fullName: string;
  role: Role;
  unitCode: string;
  unitPath: string;
  unitName: string;
  locale: string;
  csrfToken: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    user: SessionUser | null;
  }
  interface FastifyInstance {
    db: Db;
    requireUser: (req: FastifyRequest) => SessionUser;
    requirePermission: (p: Permission) => (req: FastifyRequest) => Promise<void>;
  }
}

export const SESSION_COOKIE = 'cd_sid';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Requests that create a session cannot carry a CSRF token yet. */
const CSRF_EXEMPT = new Set(['/api/auth/login']);

export const hashToken = (t: string) => createHash('sha256').update(t).digest('hex');
export const newToken = () => randomBytes(32).toString('base64url');

function sameToken(a: string, b: string) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function loadSession(db: Db, token: string): Promise<SessionUser | null> {
  const r = await db.query<SessionUser>(
    `SELECT u.id, u.province_code AS "provinceCode", u.username, u.full_name AS "fullName", u.role,
            u.unit_code AS "unitCode", a.path AS "unitPath", a.name AS "unitName", u.locale, s.csrf_token AS "csrfToken"
       FROM user_session s
       JOIN app_user u ON u.province_code = s.province_code AND u.id = s.user_id
       JOIN admin_unit a ON a.province_code = u.province_code AND a.code = u.unit_code
      WHERE s.token_hash = $1 AND s.expires_at > now() AND u.active`,
    [hashToken(token)],
  );
  return r.rows[0] ?? null;
}

export default fp(async function auth(app: FastifyInstance) {
  app.decorateRequest('user', null);

  app.addHook('onRequest', async (req: FastifyRequest) => {
    const path = req.url.split('?')[0];
    if (!path.startsWith('/api/')) return; // static files and probes need no session
    const token = req.cookies?.[SESSION_COOKIE];
    if (token && token.length < 200) req.user = await loadSession(app.db, token);
    if (UNSAFE.has(req.method) && !CSRF_EXEMPT.has(path) && req.user) {
      const header = req.headers['x-csrf-token'];
      if (typeof header !== 'string' || !sameToken(header, req.user.csrfToken)) throw new AppError(403, 'csrf');
    }
  });

  app.decorate('requireUser', (req: FastifyRequest) => {
    if (!req.user) throw new AppError(401, 'unauthenticated');
    return req.user;
  });

  app.decorate('requirePermission', (p: Permission) => async (req: FastifyRequest) => {
    const u = app.requireUser(req);
    if (!can(u.role, p)) throw new AppError(403, 'forbidden');
  });
});

export function setSessionCookie(reply: FastifyReply, token: string, hours: number, secure: boolean) {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure,
    maxAge: hours * 3600,
  });
}
