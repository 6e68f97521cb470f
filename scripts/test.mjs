// Runs the whole suite with Vitest (extra arguments are passed on) and ends with one plain summary line.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Types first: a type error fails the run like a failing test (skip with SKIP_TYPECHECK=1 while iterating).
let typesOk = true;
if (!process.env.SKIP_TYPECHECK && process.argv.length <= 2) {
  const tsc = spawnSync(process.execPath, [join('node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', 'tsconfig.json'], { stdio: 'inherit' });
  typesOk = tsc.status === 0;
  console.log(`typecheck: ${typesOk ? 'ok' : 'FAILED'}`);
}

const out = join(mkdtempSync(join(tmpdir(), 'chongdich-test-')), 'results.json');
const vitest = join('node_modules', 'vitest', 'vitest.mjs');
const r = spawnSync(process.execPath, [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...process.argv.slice(2)], { stdio: 'inherit' });
if (existsSync(out)) {
  const j = JSON.parse(readFileSync(out, 'utf8'));
  const skipped = (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
  // A file that failed outside any test (a hook, an import) has its tests marked skipped: count it as a failure.
  const filesFailedOutsideTests = (j.testResults ?? []).filter(
    (f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed'),
  ).length;
  const failed = j.numFailedTests + filesFailedOutsideTests;
  console.log(`\ntests: ${j.numPassedTests} passed, ${failed} failed, ${skipped} skipped`);
  if (r.status !== 0 && failed === 0) console.error('vitest failed without a failing test (see above)');
  if (j.numTotalTests === 0) {
    console.error('no test ran');
    process.exit(1);
  }
}
if (!typesOk) console.error('typecheck failed (see above)');
process.exit(typesOk ? (r.status ?? 1) : 1);
