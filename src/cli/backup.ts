// `chongdich backup <file>` and `chongdich restore <file> [--force]` (see docs/backup.md).
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { backupDatabase, restoreDatabase, type BackupHeader } from '../server/backup.ts';
import type { Config } from '../server/config.ts';
import { openDb } from '../server/db/index.ts';
import { bar } from './progress.ts';

const where = (config: Config) => (config.databaseUrl ? 'PostgreSQL' : `PGlite ${resolve(config.dataDir)}`);

function printTables(h: BackupHeader) {
  for (const t of h.tables) console.log(`  ${t.name.padEnd(24)} ${t.rows.toLocaleString('vi-VN').padStart(12)}`);
}

const totalRows = (h: BackupHeader) => h.tables.reduce((n, t) => n + t.rows, 0).toLocaleString('vi-VN');
const seconds = (t0: number) => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

export function registerBackupCommands(program: Command, common: (c: Command) => Command, configFrom: (opts: Record<string, unknown>) => Config) {
  common(program.command('backup <file>'))
    .description('back up the whole database (PGlite or PostgreSQL) into one portable gzip file')
    .action(async (file: string, opts) => {
      const config = configFrom(opts);
      if (!config.databaseUrl && !existsSync(resolve(config.dataDir))) {
        throw new Error(`không có cơ sở dữ liệu tại ${resolve(config.dataDir)} / no database at ${resolve(config.dataDir)}`);
      }
      const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: resolve(config.dataDir) });
      try {
        const t0 = Date.now();
        const progress = bar();
        const h = await backupDatabase(db, file, progress.update).finally(() => progress.stop());
        printTables(h);
        const mb = (statSync(file).size / 1e6).toLocaleString('vi-VN', { maximumFractionDigits: 1 });
        console.log(`Đã sao lưu ${h.tables.length} bảng, ${totalRows(h)} dòng từ ${where(config)} vào ${file} (${mb} MB, ${seconds(t0)})`);
        console.log(`Backed up ${h.tables.length} tables from ${where(config)} to ${file}`);
      } finally {
        await db.close();
      }
    });

  common(program.command('restore <file>'))
    .description('restore a backup (from either engine) into an empty database; --force replaces existing data')
    .option('--force', 'replace all data in a database that is not empty')
    .action(async (file: string, opts) => {
      const config = configFrom(opts);
      if (!existsSync(file)) throw new Error(`không tìm thấy tệp ${file} / file not found: ${file}`);
      const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: resolve(config.dataDir) });
      try {
        const t0 = Date.now();
        const progress = bar();
        const h = await restoreDatabase(db, file, { force: Boolean(opts.force) }, progress.update).finally(() => progress.stop());
        printTables(h);
        console.log(`Đã khôi phục ${h.tables.length} bảng, ${totalRows(h)} dòng (sao lưu ${h.createdAt} từ ${h.engine}) vào ${where(config)} (${seconds(t0)})`);
        console.log(`Restored ${h.tables.length} tables into ${where(config)}. Mọi người dùng cần đăng nhập lại / everyone must sign in again.`);
      } finally {
        await db.close();
      }
    });
}
