// Applies the SQL files in ./migrations in name order, each once, each in its own transaction.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './index.ts';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export async function migrate(db: Db): Promise<string[]> {
  await db.query(`CREATE TABLE IF NOT EXISTS schema_migration (
    id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  const applied: string[] = [];
  for (const file of files) {
    const id = file.replace(/\.sql$/, '');
    const done = await db.tx(async (q) => {
      // Serialises concurrent starts on PostgreSQL; harmless on PGlite.
      await q.query('SELECT pg_advisory_xact_lock(482021)');
      const seen = await q.query('SELECT 1 FROM schema_migration WHERE id = $1', [id]);
      if (seen.rows.length) return false;
      await q.exec(readFileSync(join(dir, file), 'utf8'));
      await q.query('INSERT INTO schema_migration (id) VALUES ($1)', [id]);
      return true;
    });
    if (done) applied.push(id);
  }
  return applied;
}
