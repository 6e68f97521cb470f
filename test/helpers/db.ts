// Test databases: in-memory PGlite always, PostgreSQL too when TEST_DATABASE_URL is set
// (each test file gets its own fresh database, dropped afterwards).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDb, type Db } from '../../src/server/db/index.ts';
import { migrate } from '../../src/server/db/migrate.ts';

export type DbKind = 'pglite' | 'postgres';
export const DB_KINDS: DbKind[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export async function createTestDb(kind: DbKind): Promise<Db> {
  if (kind === 'pglite') {
    const db = await openDb({ memory: true });
    await migrate(db);
    return db;
  }
  const admin = new URL(process.env.TEST_DATABASE_URL!);
  const name = `chongdich_test_${randomBytes(5).toString('hex')}`;
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const url = new URL(admin.toString());
  url.pathname = '/' + name;
  const db = await openDb({ databaseUrl: url.toString() });
  await migrate(db);
  const close = db.close.bind(db);
  return Object.assign(db, {
    async close() {
      await close();
      const c2 = new pg.Client({ connectionString: admin.toString() });
      await c2.connect();
      await c2.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c2.end();
    },
  });
}
