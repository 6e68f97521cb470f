// The `chongdich` command: start, serve, migrate, demo, import, user, backup, restore.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Command, Option } from 'commander';
import { loadConfig, type Config } from '../server/config.ts';
import { openAndMigrate, startServer } from '../server/index.ts';
import { createDemo, hasProvince, type DemoResult } from '../server/demo/index.ts';
import { importAdminUnits, importBoundaries } from '../server/modules/units/service.ts';
import { createUser } from '../server/modules/users/service.ts';
import { registerDataCommands } from './data.ts';
import { registerBackupCommands } from './backup.ts';
import { registerVaccinationImport } from './vaccinations.ts';
import { registerCertificateCommands } from './certificate.ts';
import { bar } from './progress.ts';

const program = new Command('chongdich').description('Chống dịch — provincial epidemic command platform');

const common = (c: Command) =>
  c
    .addOption(new Option('--database-url <url>', 'PostgreSQL URL (default: embedded PGlite)').env('DATABASE_URL'))
    .addOption(new Option('--data-dir <dir>', 'embedded database directory').env('DATA_DIR'))
    .addOption(new Option('--shared-data-dir <dir>', 'reference data directory').env('SHARED_DATA_DIR'));

export function configFrom(opts: Record<string, unknown>): Config {
  return loadConfig({
    databaseUrl: opts.databaseUrl as string | undefined,
    dataDir: opts.dataDir as string | undefined,
    sharedDataDir: opts.sharedDataDir as string | undefined,
    port: opts.port != null ? Number(opts.port) : undefined,
    host: opts.host as string | undefined,
    demoProvince: opts.province as string | undefined,
    demoScale: opts.scale != null ? Number(opts.scale) : undefined,
  });
}

function loginsFile(config: Config) {
  return join(resolve(config.dataDir), 'demo-logins.txt');
}

function formatLogins(r: Pick<DemoResult, 'logins'>) {
  return r.logins.map((l) => `  ${l.username.padEnd(10)} ${l.password}   ${l.role} — ${l.unitName}`).join('\n');
}

async function runDemo(config: Config, db: Awaited<ReturnType<typeof openAndMigrate>>, files: { adminUnits?: string; boundaries?: string } = {}) {
  const t0 = Date.now();
  const progress = bar();
  const r = await createDemo(db, {
    provinceCode: config.demoProvince,
    scale: config.demoScale,
    sharedDataDir: config.sharedDataDir,
    adminUnitsFile: files.adminUnits,
    boundariesFile: files.boundaries,
    onProgress: progress.update,
  });
  progress.stop();
  console.log(`Demo ${r.provinceName}: ${r.people.toLocaleString('vi-VN')} người, ${r.households.toLocaleString('vi-VN')} hộ, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const m = r.boundaryMismatches;
  for (const b of m.unknownBoundaries) console.log(`  ranh giới không khớp đơn vị nào: ${b.unitCode} ${b.name ?? ''}`);
  for (const u of m.unitsWithoutBoundary) console.log(`  đơn vị chưa có ranh giới: ${u.code} ${u.name}`);
  const text = formatLogins(r);
  if (!config.databaseUrl) writeFileSync(loginsFile(config), text + '\n', { mode: 0o600 });
  return text;
}

/** Newest modification time of the files under a directory. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds the web app on the first run, and again when a file under web/ changed since (after a pull). */
function ensureWebBuilt() {
  const index = resolve('dist/web/index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(resolve('web'))) return;
  console.log('Đang build giao diện web… / building the web app…');
  const r = spawnSync(process.execPath, [resolve('node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('web build failed');
}

common(program.command('start'))
  .description('build the web app if needed, migrate, create the demo province when the database is empty, and serve')
  .addOption(new Option('--port <port>').env('PORT'))
  .addOption(new Option('--host <host>').env('HOST'))
  .addOption(new Option('--province <code>', 'demo province GSO code (20 Lạng Sơn, 38 Thanh Hóa)').env('DEMO_PROVINCE'))
  .addOption(new Option('--scale <share>', 'share of the realistic demo population, 0–1').env('DEMO_SCALE'))
  .option('--admin-units <file>', 'GSO units file for the demo (default: shared data)')
  .option('--boundaries <file>', 'boundaries file for the demo (default: shared data geo/<code>.json)')
  .action(async (opts) => {
    const config = configFrom(opts);
    ensureWebBuilt();
    const db = await openAndMigrate(config);
    let logins: string | null = null;
    if (!(await hasProvince(db))) logins = await runDemo(config, db, { adminUnits: opts.adminUnits, boundaries: opts.boundaries });
    else if (existsSync(loginsFile(config))) logins = readFileSync(loginsFile(config), 'utf8').trimEnd();
    await startServer(config, db);
    const host = config.host === '0.0.0.0' ? 'localhost' : config.host;
    console.log(`\nchongdich đang chạy / running: http://${host}:${config.port}  (${db.kind})`);
    if (logins) console.log(`Tài khoản demo / demo logins:\n${logins}`);
  });

common(program.command('serve'))
  .description('migrate and serve (no demo)')
  .addOption(new Option('--port <port>').env('PORT'))
  .addOption(new Option('--host <host>').env('HOST'))
  .action(async (opts) => {
    const config = configFrom(opts);
    const db = await openAndMigrate(config);
    await startServer(config, db);
  });

common(program.command('migrate'))
  .description('apply database migrations')
  .action(async (opts) => {
    const db = await openAndMigrate(configFrom(opts));
    console.log('migrations applied');
    await db.close();
  });

common(program.command('demo'))
  .description('create the demo province in an empty database')
  .addOption(new Option('--province <code>').env('DEMO_PROVINCE'))
  .addOption(new Option('--scale <share>').env('DEMO_SCALE'))
  .option('--admin-units <file>', 'GSO units file (default: shared data)')
  .option('--boundaries <file>', 'boundaries file (default: shared data geo/<code>.json)')
  .action(async (opts) => {
    const config = configFrom(opts);
    const db = await openAndMigrate(config);
    if (await hasProvince(db)) {
      console.error('database already has a province; use an empty database for the demo');
      process.exitCode = 1;
    } else console.log(await runDemo(config, db, { adminUnits: opts.adminUnits, boundaries: opts.boundaries }));
    await db.close();
  });

const imp = program.command('import').description('import reference data and registries');
common(imp.command('admin-units <file>'))
  .description('administrative units from the GSO (dvhcvn) JSON format')
  .requiredOption('--province <code>', 'GSO province code')
  .action(async (file: string, opts) => {
    const db = await openAndMigrate(configFrom(opts));
    const r = await importAdminUnits(db, JSON.parse(readFileSync(file, 'utf8')), opts.province);
    console.log(`${r.province.name}: ${r.districts} huyện, ${r.communes} xã; mới ${r.inserted}, cập nhật ${r.updated}`);
    await db.close();
  });
common(imp.command('boundaries <file>'))
  .description('boundaries from the geo format or a GeoJSON FeatureCollection')
  .requiredOption('--province <code>', 'GSO province code')
  .action(async (file: string, opts) => {
    const db = await openAndMigrate(configFrom(opts));
    const r = await importBoundaries(db, JSON.parse(readFileSync(file, 'utf8')), opts.province, file);
    console.log(`đã nhập ${r.imported} ranh giới`);
    for (const b of r.unknownBoundaries) console.log(`  ranh giới không khớp đơn vị nào: ${b.unitCode} ${b.name ?? ''}`);
    for (const u of r.unitsWithoutBoundary) console.log(`  đơn vị chưa có ranh giới: ${u.code} ${u.name}`);
    await db.close();
  });

common(program.command('user').command('create'))
  .description('create a user')
  .requiredOption('--province <code>')
  .requiredOption('--username <name>')
  .requiredOption('--full-name <name>')
  .requiredOption('--role <role>')
  .requiredOption('--unit <code>', 'jurisdiction: admin-unit code')
  .addOption(new Option('--password <password>').env('CHONGDICH_PASSWORD').makeOptionMandatory())
  .action(async (opts) => {
    const db = await openAndMigrate(configFrom(opts));
    const id = await db.tx((q) => createUser(q, opts.province, { username: opts.username, fullName: opts.fullName, password: opts.password, role: opts.role, unitCode: opts.unit }));
    console.log(`user ${opts.username} created (id ${id})`);
    await db.close();
  });

program
  .command('openapi')
  .description('write the OpenAPI document (default docs/openapi.json)')
  .option('--out <file>', 'output file', 'docs/openapi.json')
  .action(async (opts) => {
    const { openApiDocument } = await import('../server/openapi.ts');
    writeFileSync(opts.out, JSON.stringify(await openApiDocument(), null, 2) + '\n');
    console.log(`OpenAPI written to ${opts.out}`);
  });

registerDataCommands(program, imp, common, configFrom);
registerVaccinationImport(imp, common, configFrom);
registerBackupCommands(program, common, configFrom);
registerCertificateCommands(program);

program.parseAsync(process.argv).catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
