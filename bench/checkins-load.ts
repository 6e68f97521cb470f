// The load generator of bench/checkins.bench.ts, run as a second local process: autocannon POSTs
// check-ins with a fresh key and identity each, and prints its result as one JSON line.
//   npx tsx bench/checkins-load.ts <url> <seconds> <connections> <venue codes, comma-separated>
import { createRequire } from 'node:module';

interface Result {
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
  latency: { p50: number; p99: number; max: number };
}
type Req = Record<string, unknown>;
// autocannon ships no types; the little of its API used here.
const autocannon = createRequire(import.meta.url)('autocannon') as (opts: Record<string, unknown>) => { on(event: 'done', fn: (r: Result) => void): void };

const [url, seconds, connections, codes] = process.argv.slice(2);
const venues = codes.split(',');
let n = 0;
const prefix = Math.random().toString(36).slice(2, 8);

const cpu0 = process.cpuUsage();
const instance = autocannon({
  url,
  connections: Number(connections),
  duration: Number(seconds),
  pipelining: 1,
  requests: [
    {
      method: 'POST',
      path: '/api/checkins',
      headers: { 'content-type': 'application/json' },
      setupRequest: (req: Req) => {
        n++;
        const body = { venueCode: venues[n % venues.length], clientKey: `${prefix}-${n}`, fullName: 'Khách Thử Tải', phone: '09' + String(n % 100_000_000).padStart(8, '0') };
        // A Buffer: autocannon then sends the byte length (the Vietnamese name is longer in UTF-8 than in characters).
        return { ...req, body: Buffer.from(JSON.stringify(body)) };
      },
    },
  ],
});
instance.on('done', (r) => {
  console.log(JSON.stringify({ ok: r['2xx'], non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts, seconds: r.duration, p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max, perSecond: r['2xx'] / r.duration, loadCpu: (process.cpuUsage(cpu0).user + process.cpuUsage(cpu0).system) / 1e6 / r.duration }));
});
