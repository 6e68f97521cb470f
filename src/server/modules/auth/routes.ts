import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { audit } from '../../plugins/audit.ts';
import { loadSession, SESSION_COOKIE, setSessionCookie } from '../../plugins/auth.ts';
import { AppError } from '../../errors.ts';
import { login, logout } from './service.ts';
import { ROLE_PERMISSIONS } from '../../../domain/access/roles.ts';

const Me = Type.Object({
  id: Type.Number(),
  username: Type.String(),
  fullName: Type.String(),
  role: Type.String(),
  provinceCode: Type.String(),
  unitCode: Type.String(),
  unitName: Type.String(),
  unitPath: Type.String(),
  locale: Type.String(),
  csrfToken: Type.String(),
  permissions: Type.Array(Type.String()),
});

/**
 * Attempts per client address in fixed one-minute windows. The per-username limit (below, by
 * @fastify/rate-limit) stops guessing one password; this one stops trying many usernames from one
 * place. In memory: one server process per deployment (docs/scaling.md).
 */
function addressLimiter(max: number) {
  const windows = new Map<string, { start: number; count: number }>();
  return (ip: string, now = Date.now()): boolean => {
    if (windows.size > 10_000) for (const [k, w] of windows) if (now - w.start >= 60_000) windows.delete(k);
    const w = windows.get(ip);
    if (!w || now - w.start >= 60_000) {
      windows.set(ip, { start: now, count: 1 });
      return true;
    }
    w.count += 1;
    return w.count <= max;
  };
}

const routes: FastifyPluginAsync = async (app) => {
  const cfg = app.config;
  const fromAddress = addressLimiter(cfg.loginMaxPerAddress);
  app.post(
    '/auth/login',
    {
      // Per address and username: officers of one commune office share one public address.
      config: {
        rateLimit: {
          max: 10,
          timeWindow: '1 minute',
          hook: 'preHandler',
          keyGenerator: (req: { ip: string; body?: unknown }) => `${req.ip}|${String((req.body as { username?: string })?.username ?? '').toLowerCase()}`,
        },
      },
      schema: {
        tags: ['auth'],
        summary: 'Sign in; sets the session cookie and returns the CSRF token',
        body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 100 }), password: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
        response: { 200: Me },
      },
    },
    async (req, reply) => {
      if (!fromAddress(req.ip)) throw new AppError(429, 'rate_limited');
      const { username, password } = req.body as { username: string; password: string };
      try {
        const r = await login(app.db, { username, password, ip: req.ip, userAgent: req.headers['user-agent'] }, {
          maxFailures: cfg.loginMaxFailures,
          lockMinutes: cfg.loginLockMinutes,
          sessionHours: cfg.sessionHours,
        });
        const user = (await loadSession(app.db, r.token))!;
        await audit(app.db, req, { action: 'login', entity: 'user', entityId: user.id }, { provinceCode: user.provinceCode, id: user.id, username: user.username, role: user.role });
        setSessionCookie(reply, r.token, cfg.sessionHours, cfg.cookieSecure);
        return { ...user, permissions: [...ROLE_PERMISSIONS[user.role]] };
      } catch (e) {
        if (e instanceof AppError) {
          const u = await app.db.query<{ province_code: string; id: number }>('SELECT province_code, id FROM app_user WHERE lower(username) = lower($1)', [username]);
          if (u.rows[0]) {
            await audit(app.db, req, { action: 'login_failed', entity: 'user', entityId: u.rows[0].id, outcome: 'denied', details: { reason: e.code } }, { provinceCode: u.rows[0].province_code, id: u.rows[0].id, username });
          }
        }
        throw e;
      }
    },
  );

  app.post('/auth/logout', { schema: { tags: ['auth'], summary: 'Sign out' } }, async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    if (token) await logout(app.db, token);
    if (req.user) await audit(app.db, req, { action: 'logout', entity: 'user', entityId: req.user.id });
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  app.get('/auth/me', { schema: { tags: ['auth'], summary: 'The signed-in user, with the CSRF token', response: { 200: Me } } }, async (req) => {
    const u = app.requireUser(req);
    return { ...u, permissions: [...ROLE_PERMISSIONS[u.role]] };
  });
};
export default routes;
