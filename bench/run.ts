// Runs every bench/*.bench.ts one after another, each in its own process (`npx tsx`, environment passed
// through), shows their output as it comes, and ends with a summary of all FIGURE lines.
//   npm run bench              every benchmark
//   npm run bench -- demo      only the files whose name contains "demo"
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2).filter((a) => a !== '--');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !filters.length || filters.some((x) => f.includes(x)))
  .sort();

if (!files.length) {
  console.error(`No benchmark matches ${filters.join(', ')} in ${dir}`);
  process.exit(1);
}

interface Outcome {
  file: string;
  code: number | null;
  seconds: number;
  figures: string[];
}

function run(file: string): Promise<Outcome> {
  const t0 = performance.now();
  const figures: string[] = [];
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', join(dir, file)], { cwd: join(dir, '..'), env: process.env, stdio: ['ignore', 'pipe', 'inherit'] });
    let pending = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      process.stdout.write(text);
      const lines = (pending + text).split('\n');
      pending = lines.pop()!;
      for (const line of lines) if (line.startsWith('FIGURE ')) figures.push(line);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (pending.startsWith('FIGURE ')) figures.push(pending);
      resolve({ file, code, seconds: (performance.now() - t0) / 1000, figures });
    });
  });
}

const outcomes: Outcome[] = [];
for (const file of files) {
  console.log(`\n=== ${file} ===`);
  outcomes.push(await run(file));
}

console.log('\n=== Summary ===');
for (const o of outcomes) {
  const status = o.code === 0 ? 'ok' : `FAILED (exit ${o.code})`;
  console.log(`${o.file}: ${status}, ${o.seconds.toFixed(1)} s`);
}
const figures = outcomes.flatMap((o) => o.figures);
console.log(figures.length ? figures.join('\n') : '(no figures)');
process.exitCode = outcomes.every((o) => o.code === 0) ? 0 : 1;
