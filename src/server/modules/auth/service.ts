// Login with lockout after repeated failures, logout, and password hashing (argon2id).
import { hash, verify, Algorithm } from '@node-rs/argon2';
import type { Db } from '../../db/index.ts';
import { AppError } from '../../errors.ts';
import { hashToken, newToken } from '../../plugins/auth.ts';

const ARGON = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string) => hash(password, ARGON);

// Verifying against a real hash keeps the time of "no such user" equal to "wrong password".
let dummyHash: Promise<string> | null = null;

export interface LoginResult {
  token: string;
  csrfToken: string;
  userId: number;
  provinceCode: string;
}

export async function login(
  db: Db,
  input: { username: string; password: string; ip?: string; userAgent?: string },
  policy: { maxFailures: number; lockMinutes: number; sessionHours: number },
): Promise<LoginResult> {
  const r = await db.query<{ id: number; province_code: string; password_hash: string; locked_until: Date | null; active: boolean; failed_logins: number }>(
    'SELECT id, province_code, password_hash, locked_until, active, failed_logins FROM app_user WHERE lower(username) = lower($1)',
    [input.username],
  );
  const u = r.rows[0];
  if (!u || !u.active) {
    dummyHash ??= hashPassword('not-a-user');
    await verify(await dummyHash, input.password).catch(() => false);
    throw new AppError(401, 'invalid_credentials');
  }
  if (u.locked_until && new Date(u.locked_until) > new Date()) throw new AppError(423, 'account_locked');
  const ok = await verify(u.password_hash, input.password).catch(() => false);
  if (!ok) {
    await db.query(
      `UPDATE app_user SET failed_logins = failed_logins + 1,
         locked_until = CASE WHEN failed_logins + 1 >= $3 THEN now() + make_interval(mins => $4) ELSE locked_until END
       WHERE province_code = $1 AND id = $2`,
      [u.province_code, u.id, policy.maxFailures, policy.lockMinutes],
    );
    if (u.failed_logins + 1 >= policy.maxFailures) throw new AppError(423, 'account_locked');
    throw new AppError(401, 'invalid_credentials');
  }
  const token = newToken();
  const csrfToken = newToken();
  await db.tx(async (q) => {
    await q.query('UPDATE app_user SET failed_logins = 0, locked_until = NULL WHERE province_code = $1 AND id = $2', [u.province_code, u.id]);
    await q.query('DELETE FROM user_session WHERE province_code = $1 AND user_id = $2 AND expires_at < now()', [u.province_code, u.id]);
    await q.query(
      `INSERT INTO user_session (token_hash, province_code, user_id, expires_at, csrf_token, ip, user_agent)
       VALUES ($1, $2, $3, now() + make_interval(hours => $4), $5, $6, $7)`,
      [hashToken(token), u.province_code, u.id, policy.sessionHours, csrfToken, input.ip ?? null, input.userAgent?.slice(0, 300) ?? null],
    );
  });
  return { token, csrfToken, userId: u.id, provinceCode: u.province_code };
}

export async function logout(db: Db, token: string) {
  await db.query('DELETE FROM user_session WHERE token_hash = $1', [hashToken(token)]);
}
