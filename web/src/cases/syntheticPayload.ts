// A deterministic, realistic-looking transmission graph for tests and benchmarks: chains of cases
// (each infected by a recent case, mostly in the same commune), every case with exactly
// `contactsPerCase` contacts (about 70 % F1, the rest F2 of those F1), some F1 shared by two cases.
import type { GraphPayload } from './graphData.ts';

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Lương', 'Nông', 'Hoàng Thị'];
const MIDDLE = ['Văn', 'Thị', 'Minh', 'Đức', 'Ngọc', 'Thu', 'Quang', 'Thanh'];
const GIVEN = ['An', 'Bình', 'Chi', 'Dũng', 'Giang', 'Hà', 'Hùng', 'Lan', 'Linh', 'Mai', 'Nam', 'Phương', 'Quân', 'Sơn', 'Thảo', 'Trang', 'Tuấn', 'Yến'];
const COMMUNES = Array.from({ length: 24 }, (_, i) => String(6000 + i * 7).padStart(5, '0'));
const FIRST_DAY = Date.UTC(2021, 6, 1);
const DAYS = 60;

/** Small seeded generator (mulberry32): the same seed gives the same graph on every machine. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makeSyntheticPayload(cases: number, contactsPerCase: number, seed = 1): GraphPayload {
  const rnd = random(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)];
  const isoDay = (day: number) => new Date(FIRST_DAY + Math.min(Math.max(day, 0), DAYS - 1) * 86_400_000).toISOString().slice(0, 10);

  const names: string[] = [];
  const p: GraphPayload = { person: [], name: names, degree: [], status: [], commune: [], date: [], cluster: [], edges: [], truncated: false };
  const add = (degree: number, status: string, commune: string, day: number) => {
    p.person.push(p.person.length + 1);
    names.push(`${pick(FAMILY)} ${pick(MIDDLE)} ${pick(GIVEN)}`);
    p.degree.push(degree);
    p.status.push(status);
    p.commune.push(commune);
    p.date.push(isoDay(day));
    p.cluster.push(null);
    return p.person.length - 1;
  };

  const caseNode: number[] = [];
  const caseDay: number[] = [];
  const caseCommune: string[] = [];
  const chainOf: number[] = [];
  let chains = 0;
  const f1Count = contactsPerCase > 0 ? Math.max(1, Math.round(contactsPerCase * 0.7)) : 0;

  for (let c = 0; c < cases; c++) {
    // A new chain a quarter of the time, otherwise a case infected by one of the 50 latest cases.
    const infector = c === 0 || rnd() < 0.25 ? -1 : c - 1 - Math.floor(rnd() * Math.min(50, c));
    const day = infector < 0 ? Math.floor(rnd() * (DAYS - 15)) : caseDay[infector] + 2 + Math.floor(rnd() * 5);
    const commune = infector >= 0 && rnd() < 0.7 ? caseCommune[infector] : pick(COMMUNES);
    const r = rnd();
    const status = r < 0.55 ? 'confirmed' : r < 0.93 ? 'recovered' : r < 0.95 ? 'died' : 'transferred';
    const node = add(0, status, commune, day);
    caseNode.push(node);
    caseDay.push(Math.min(day, DAYS - 1));
    caseCommune.push(commune);
    chainOf.push(infector < 0 ? chains++ : chainOf[infector]);
    if (infector >= 0) p.edges.push(caseNode[infector], node);

    const f1: number[] = [];
    for (let k = 0; k < contactsPerCase; k++) {
      const s = rnd();
      const contactStatus = s < 0.85 ? 'traced' : s < 0.95 ? 'proposed' : 'became_case';
      const where = rnd() < 0.8 ? commune : pick(COMMUNES);
      if (k < f1Count) {
        const contact = add(1, contactStatus, where, day - Math.floor(rnd() * 4));
        f1.push(contact);
        p.edges.push(node, contact);
        // Some contacts met the infector too.
        if (infector >= 0 && rnd() < 0.05) p.edges.push(caseNode[infector], contact);
      } else {
        const via = pick(f1);
        const contact = add(2, contactStatus, where, day + Math.floor(rnd() * 3));
        p.edges.push(via, contact);
      }
    }
  }

  // Chains of two or more cases are clusters, numbered in order of their first case.
  const chainSize = new Array<number>(chains).fill(0);
  for (const chain of chainOf) chainSize[chain]++;
  const clusterOfChain = new Array<number | null>(chains).fill(null);
  let clusters = 0;
  for (let c = 0; c < cases; c++) {
    const chain = chainOf[c];
    if (chainSize[chain] > 1 && clusterOfChain[chain] == null) clusterOfChain[chain] = ++clusters;
    p.cluster[caseNode[c]] = clusterOfChain[chain];
  }
  return p;
}
