// `chongdich import vaccinations <file>`: dose records from the national vaccination platform's
// export (CSV or Excel), through the same service as the web upload (no HTTP), with a progress bar
// per step (reading the file, matching people, checking and writing) and an error file beside the input.
import { createHash } from 'node:crypto';
import { createReadStream, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../server/config.ts';
import { openAndMigrate } from '../server/index.ts';
import { AppError } from '../server/errors.ts';
import { provinceRootPath } from '../server/modules/imports/store.ts';
import { checkDoseFile, createDoseJob, runDoseImport, type DoseImporter } from '../server/modules/vaccination/doseImport.ts';
import { bar } from './progress.ts';

async function sha256(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

const n = (x: number) => x.toLocaleString('vi-VN');
const STEPS = { read: 'đọc tệp / reading', match: 'đối chiếu sổ dân / matching people', write: 'kiểm tra, ghi / checking, writing', coverage: 'độ bao phủ / coverage' } as const;

export function registerVaccinationImport(imp: Command, common: (c: Command) => Command, configFrom: (opts: Record<string, unknown>) => Config) {
  common(imp.command('vaccinations <file>'))
    .description("dose records from the national vaccination platform's export, CSV (UTF-8) or Excel .xlsx (template: GET /api/vaccination/imports/template.csv)")
    .requiredOption('--province <code>', 'GSO province code')
    .option('--errors <file>', 'where to write the refused rows (default: <file>.errors.csv)')
    .action(async (file: string, opts) => {
      const path = resolve(file);
      const db = await openAndMigrate(configFrom(opts));
      try {
        const root = await provinceRootPath(db, opts.province);
        if (!root) throw new Error(`tỉnh ${opts.province} chưa có đơn vị hành chính / province ${opts.province} has no units yet`);
        let checked;
        try {
          checked = await checkDoseFile(path, basename(path));
        } catch (e) {
          if (!(e instanceof AppError)) throw e;
          throw new Error(`Tệp không nhập được / file refused:\n${e.fields.map((f) => `  ${f.message ?? f.code}`).join('\n')}`);
        }
        const importer: DoseImporter = { provinceCode: opts.province, jurisdictionPath: root, userId: null, via: 'cli', req: null };
        const jobId = await createDoseJob(db, importer, basename(path), await sha256(path));
        const t0 = Date.now();
        const progress = bar();
        const r = await runDoseImport(db, importer, jobId, checked, { onProgress: (step, done, total) => progress.update(STEPS[step], done, total) });
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
