// `chongdich import people <file>`: the population registry from CSV or Excel, through the same
// service as the web upload (no HTTP), with a progress bar and an error file beside the input.
import { createHash } from 'node:crypto';
import { createReadStream, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../server/config.ts';
import { openAndMigrate } from '../server/index.ts';
import { AppError } from '../server/errors.ts';
import { checkPeopleFile, createPeopleJob, runPeopleImport, type CheckedFile, type Importer } from '../server/modules/imports/service.ts';
import { provinceRootPath } from '../server/modules/imports/store.ts';
import { bar } from './progress.ts';

async function sha256(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

const n = (x: number) => x.toLocaleString('vi-VN');

export function registerDataCommands(_program: Command, imp: Command, common: (c: Command) => Command, configFrom: (opts: Record<string, unknown>) => Config) {
  common(imp.command('people <file>'))
    .description('population registry from CSV (UTF-8) or Excel .xlsx: CCCD, full name, birth date, sex, phone, commune code, village, household id, address')
    .requiredOption('--province <code>', 'GSO province code')
    .option('--errors <file>', 'where to write the refused rows (default: <file>.errors.csv)')
    .action(async (file: string, opts) => {
      const path = resolve(file);
      const db = await openAndMigrate(configFrom(opts));
      try {
        const root = await provinceRootPath(db, opts.province);
        if (!root) throw new Error(`tỉnh ${opts.province} chưa có đơn vị hành chính (chongdich import admin-units) / province ${opts.province} has no units yet`);
        let checked: CheckedFile;
        try {
          checked = { ...(await checkPeopleFile(path)), filename: basename(path) };
        } catch (e) {
          if (!(e instanceof AppError)) throw e;
          throw new Error(`Tệp không nhập được / file refused:\n${e.fields.map((f) => `  ${f.message ?? f.code}`).join('\n')}`);
        }
        const importer: Importer = { provinceCode: opts.province, jurisdictionPath: root, userId: null, via: 'cli', req: null };
        const jobId = await createPeopleJob(db, importer, basename(path), await sha256(path));
        const t0 = Date.now();
        const progress = bar();
        const r = await runPeopleImport(db, importer, jobId, checked, { onProgress: (done, total) => progress.update('people', done, total) });
        progress.stop();
        const seconds = (Date.now() - t0) / 1000;
        console.log(r.message);
        console.log(
          `${n(r.processedRows)} dòng / rows in ${seconds.toFixed(1)} s (${n(Math.round(r.processedRows / Math.max(seconds, 0.001)))} dòng/s): ` +
            `${n(r.insertedRows)} mới / new, ${n(r.updatedRows)} cập nhật / updated, ${n(r.unchangedRows)} không đổi / unchanged, ${n(r.errorRows)} lỗi / errors`,
        );
        if (r.errorsCsv) {
          const errorsFile = resolve(opts.errors ?? `${path}.errors.csv`);
          writeFileSync(errorsFile, '\uFEFF' + r.errorsCsv);
          console.log(`Tệp lỗi / error file: ${errorsFile}`);
        }
        if (r.status === 'failed') process.exitCode = 1;
      } finally {
        await db.close();
      }
    });
}
