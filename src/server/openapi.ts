// The OpenAPI document of the whole API, generated from the route schemas without a database.
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';
import type { Db } from './db/index.ts';

const noDb = new Proxy({} as Db, {
  get(_t, prop) {
    if (prop === 'kind') return 'none';
    if (!['query', 'tx', 'copyFromCsv', 'copyToCsv', 'exec', 'close'].includes(String(prop))) return undefined;
    return () => {
      throw new Error('the OpenAPI generator has no database');
    };
  },
});

export async function openApiDocument(): Promise<Record<string, unknown>> {
  const app = await buildApp({ db: noDb, config: loadConfig({}, {}), webDir: '/nonexistent' });
  await app.ready();
  const doc = app.swagger() as Record<string, unknown>;
  await app.close();
  return doc;
}
