// Starting the server: open the database, migrate, listen.
import { resolve } from 'node:path';
import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { openDb, type Db } from './db/index.ts';
import { migrate } from './db/migrate.ts';

export async function openAndMigrate(config: Config): Promise<Db> {
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: resolve(config.dataDir) });
  await migrate(db);
  return db;
}

export async function startServer(config: Config, db: Db) {
  const app = await buildApp({ db, config, logger: { level: config.logLevel } });
  const close = async () => {
    await app.close();
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', close);
  process.once('SIGTERM', close);
  await app.listen({ port: config.port, host: config.host });
  return app;
}
