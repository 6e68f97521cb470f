// The demo province: real units and boundaries from the shared data, a deterministic synthetic
// population (seeded), and one user per role. Later areas add their activity after the population.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db/index.ts';
import { importAdminUnits, importBoundaries } from '../modules/units/service.ts';
import { refreshUnitStats } from '../modules/units/store.ts';
import { createDemoUsers, type DemoLogin } from './users.ts';
import { generatePopulation } from './population.ts';
import { createDemoOutbreak, type OutbreakCounts } from './outbreak.ts';
import { createDemoTesting, noDemoTesting, type TestingDemoCounts } from './testing.ts';
import { alignCasesWithDoses, createDemoVaccination, noDemoVaccination, vaccinationIds, type VaccinationDemoCounts } from './vaccination.ts';
import type { PreparedVaccination } from './vaccinationCsv.ts';
import { createDemoCapacity } from './capacity.ts';
import { createDemoCheckins, noDemoCheckins, type CheckinsDemoCounts } from './checkins.ts';
import { createDemoCheckpoints, noDemoCheckpoints, type CheckpointsDemoCounts } from './checkpoints.ts';

export interface DemoOptions {
  provinceCode: string;
  /** Share of the realistic population (1 = full province; tests use ~0.002). */
  scale: number;
  sharedDataDir: string;
  /** Override the GSO units file (default <sharedDataDir>/admin-units/dvhcvn-2025-03-01.json). */
  adminUnitsFile?: string;
  /** Override the boundaries file (default <sharedDataDir>/geo/<code>.json). */
  boundariesFile?: string;
  seed?: number;
  /** The demo date (ISO): ages are counted to it and the outbreak ends on it (default: today, UTC). */
  today?: string;
  /** The testing activity of the last two weeks (default true; a test of the testing flows from scratch leaves it out). */
  testing?: boolean;
  /** Venues in every commune and three weeks of check-ins, the outbreak's cases at their market (default true). */
  checkins?: boolean;
  /** Checkpoints with three weeks of passages, green-lane passes and two weeks of health declarations (default true). */
  checkpoints?: boolean;
  /** The 2021–2022-like vaccination history and the running booster campaign (default true). */
  vaccination?: boolean;
  /** The capacity register of every commune, district and the province (default true). */
  capacity?: boolean;
  onProgress?: (step: string, done: number, total: number) => void;
}

export interface DemoResult {
  provinceCode: string;
  provinceName: string;
  people: number;
  households: number;
  outbreak: OutbreakCounts;
  testing: TestingDemoCounts;
  checkins: CheckinsDemoCounts;
  checkpoints: CheckpointsDemoCounts;
  vaccination: VaccinationDemoCounts;
  /** Units entered in the capacity register. */
  capacity: number;
  logins: DemoLogin[];
  boundaryMismatches: { unknownBoundaries: { unitCode: string; name: string | null }[]; unitsWithoutBoundary: { code: string; name: string }[] };
}

export const ADMIN_UNITS_FILE = 'admin-units/dvhcvn-2025-03-01.json';

export async function createDemo(db: Db, opts: DemoOptions): Promise<DemoResult> {
  const progress = opts.onProgress ?? (() => {});
  progress('units', 0, 1);
  const units = await importAdminUnits(db, JSON.parse(readFileSync(opts.adminUnitsFile ?? join(opts.sharedDataDir, ADMIN_UNITS_FILE), 'utf8')), opts.provinceCode);
  const geoFile = opts.boundariesFile ?? join(opts.sharedDataDir, 'geo', `${opts.provinceCode}.json`);
  let mismatches: DemoResult['boundaryMismatches'] = { unknownBoundaries: [], unitsWithoutBoundary: [] };
  if (existsSync(geoFile)) {
    const b = await importBoundaries(db, JSON.parse(readFileSync(geoFile, 'utf8')), opts.provinceCode, `geo/${opts.provinceCode}.json`);
    mismatches = { unknownBoundaries: b.unknownBoundaries, unitsWithoutBoundary: b.unitsWithoutBoundary };
  }
  progress('units', 1, 1);
  const seed = opts.seed ?? 2021;
  const today = opts.today ?? new Date().toISOString().slice(0, 10);
  const withVaccination = opts.vaccination !== false;
  let logins: DemoLogin[] = [];
  let prepared: Promise<PreparedVaccination> | null = null;
  // The generator thread plans the vaccination history as it makes the people (see population.ts).
  const pop = await generatePopulation(db, {
    provinceCode: opts.provinceCode,
    scale: opts.scale,
    seed,
    asOf: today,
    vaccination: withVaccination,
    onProgress: progress,
    // Once the people are written: the statistics, the users (they pick their communes by population),
    // and, with the users' ids known, the history's CSV in the generator thread while the indexes are built.
    onLoaded: async (q, history) => {
      progress('statistics', 0, 1);
      await refreshUnitStats(q, opts.provinceCode);
      progress('statistics', 1, 1);
      logins = await createDemoUsers(q, opts.provinceCode);
      if (history) {
        prepared = history.prepare(await vaccinationIds(q, opts.provinceCode));
        prepared.catch(() => {}); // awaited below; no unhandled rejection in between
      }
    },
  });
  let outbreak: OutbreakCounts | null = null;
  let capacity = 0;
  let testing = noDemoTesting, checkpoints = noDemoCheckpoints, checkins = noDemoCheckins, vaccination = noDemoVaccination;
  try {
    // The outbreak, the testing activity of its last two weeks (done by the demo users) and the
    // checkpoints; beside them the vaccination history, which reads and writes none of their tables,
    // then the check-ins (they read the outbreak's cases and contacts): on PostgreSQL on a connection
    // of their own at the same time, on PGlite (one connection) one after the other.
    const start = async () => {
      if (opts.capacity !== false) capacity = await createDemoCapacity(db, { provinceCode: opts.provinceCode, seed, today });
      outbreak = await createDemoOutbreak(db, { provinceCode: opts.provinceCode, seed, today, scale: opts.scale, onProgress: progress });
    };
    let outbreakDone: Promise<void> | null = null;
    const others = async () => {
      await (outbreakDone = start());
      testing = opts.testing === false ? noDemoTesting : await createDemoTesting(db, { provinceCode: opts.provinceCode, seed, today, scale: opts.scale, onProgress: progress });
      progress('checkpoints', 0, 1);
      checkpoints = opts.checkpoints === false ? noDemoCheckpoints : await createDemoCheckpoints(db, { provinceCode: opts.provinceCode, seed, scale: opts.scale });
      progress('checkpoints', 1, 1);
    };
    const history = async () => {
      vaccination = prepared ? await createDemoVaccination(db, { provinceCode: opts.provinceCode, onProgress: progress }, await prepared) : noDemoVaccination;
      await outbreakDone; // set by others(), which starts first
      progress('checkins', 0, 1);
      checkins = opts.checkins === false ? noDemoCheckins : await createDemoCheckins(db, { provinceCode: opts.provinceCode, seed, today, scale: opts.scale });
      progress('checkins', 1, 1);
    };
    if (db.kind === 'postgres') {
      const running = others();
      running.catch(() => {}); // settled below
      const failed = (await Promise.allSettled([running, history()])).find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    } else {
      await others();
      await history();
    }
    // The cases (the outbreak's and any the testing found) with the status their doses give.
    if (prepared) vaccination.casesUpdated = await alignCasesWithDoses(db, opts.provinceCode);
  } finally {
    await pop.vaccination?.dispose();
  }
  return { provinceCode: opts.provinceCode, provinceName: units.province.name, people: pop.people, households: pop.households, outbreak: outbreak!, testing, checkins, checkpoints, vaccination, capacity, logins, boundaryMismatches: mismatches };
}

export async function hasProvince(db: Db): Promise<boolean> {
  const r = await db.query('SELECT 1 FROM province LIMIT 1');
  return r.rows.length > 0;
}
