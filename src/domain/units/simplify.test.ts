import { describe, expect, it } from 'vitest';
import { digitsFor, simplifyTogether, toleranceFor, type AreaGeometry, type Position } from './simplify.ts';

/** Deterministic noise in [-1, 1] (no Math.random). */
const noise = (i: number, j: number) => Math.sin(i * 12.9898 + j * 78.233);

/**
 * A 3 × 3 grid of cells 0.1° wide around 21.6° N whose inner borders meander with small bumps,
 * as surveyed borders do. Every vertex is a function of its place on the lattice, so neighbours
 * share the vertices of their border exactly (as in the reference data).
 */
function grid(): AreaGeometry[] {
  const n = 40; // vertices per cell side
  const size = 0.1;
  const at = (i: number, j: number): Position => {
    let x = 106 + (i * size) / n;
    let y = 21.5 + (j * size) / n;
    const inner = (k: number) => k % n === 0 && k > 0 && k < 3 * n;
    if (inner(i) && j % n) x += 0.002 * Math.sin((j / n) * Math.PI * 2 + i) + 0.0001 * noise(i, j);
    if (inner(j) && i % n) y += 0.002 * Math.sin((i / n) * Math.PI * 2 + j) + 0.0001 * noise(j + 7, i);
    return [x, y];
  };
  const cells: AreaGeometry[] = [];
  for (let row = 0; row < 3; row++)
    for (let col = 0; col < 3; col++) {
      const [i0, j0] = [col * n, row * n];
      const ring: Position[] = [];
      for (let k = 0; k < n; k++) ring.push(at(i0 + k, j0)); // south, eastwards
      for (let k = 0; k < n; k++) ring.push(at(i0 + n, j0 + k)); // east, northwards
      for (let k = 0; k < n; k++) ring.push(at(i0 + n - k, j0 + n)); // north, westwards
      for (let k = 0; k < n; k++) ring.push(at(i0, j0 + n - k)); // west, southwards
      ring.push(ring[0]);
      cells.push({ type: 'Polygon', coordinates: [ring] });
    }
  return cells;
}

const ringsOf = (g: AreaGeometry): Position[][] => (g.type === 'Polygon' ? g.coordinates : g.coordinates.flat());
/** Vertex keys at the output's precision (6 decimals). */
const keys = (g: AreaGeometry) => new Set(ringsOf(g).flat().map((p) => `${Math.round(p[0] * 1e6) / 1e6},${Math.round(p[1] * 1e6) / 1e6}`));
const count = (gs: AreaGeometry[]) => gs.reduce((s, g) => s + ringsOf(g).reduce((t, r) => t + r.length, 0), 0);

function distanceToSegment(p: Position, a: Position, b: Position, kx: number): number {
  const [ax, ay, bx, by, px, py] = [a[0] * kx, a[1], b[0] * kx, b[1], p[0] * kx, p[1]];
  const dx = bx - ax, dy = by - ay;
  const t = dx || dy ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy))) : 0;
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

describe('simplifyTogether', () => {
  const cells = grid();
  const tolerance = 0.0003;
  const out = simplifyTogether(cells, { tolerance, digits: 6 });

  it('drops most vertices of wiggly borders', () => {
    expect(count(out)).toBeLessThan(count(cells) / 2);
    for (const g of out) expect(ringsOf(g)[0].length).toBeGreaterThanOrEqual(5);
  });

  it('keeps the borders neighbours share identical: no gaps, no overlaps', () => {
    // Vertices of cell A that were on cell B's border are exactly the vertices of B on A's border.
    const inputKeys = cells.map(keys);
    const outputKeys = out.map(keys);
    let shared = 0;
    for (let a = 0; a < cells.length; a++)
      for (let b = 0; b < cells.length; b++) {
        if (a === b) continue;
        const aOnB = [...outputKeys[a]].filter((k) => inputKeys[b].has(k)).sort();
        const bOnA = [...outputKeys[b]].filter((k) => inputKeys[a].has(k)).sort();
        expect(aOnB).toEqual(bOnA);
        shared += aOnB.length;
      }
    expect(shared).toBeGreaterThan(12 * 2 * 4); // 12 inner borders, each kept with several bends
  });

  it('stays within the tolerance of every original vertex', () => {
    const kx = Math.cos((21.65 * Math.PI) / 180); // the grid spans 21.5–21.8° N
    for (let c = 0; c < cells.length; c++) {
      const simplified = ringsOf(out[c])[0];
      for (const p of ringsOf(cells[c])[0]) {
        let best = Infinity;
        for (let i = 0; i + 1 < simplified.length; i++) best = Math.min(best, distanceToSegment(p, simplified[i], simplified[i + 1], kx));
        expect(best).toBeLessThanOrEqual(tolerance * 1.01 + 1e-6);
      }
    }
  });

  it('returns closed rings, rounded to the digits asked for', () => {
    const rounded = simplifyTogether(cells, { tolerance, digits: 4 });
    for (const g of rounded)
      for (const ring of ringsOf(g)) {
        expect(ring[0]).toEqual(ring[ring.length - 1]);
        for (const [x, y] of ring) {
          expect(Math.round(x * 1e4) / 1e4).toBe(x);
          expect(Math.round(y * 1e4) / 1e4).toBe(y);
        }
      }
  });

  it('simplifies an enclave and the hole it fills alike, wherever their rings start and whichever way they run', () => {
    const circle = (start: number, reverse: boolean): Position[] => {
      const pts = Array.from({ length: 200 }, (_, k) => {
        const m = (k + start) % 200;
        const a = (m / 200) * 2 * Math.PI;
        return [106.5 + 0.05 * Math.cos(a) + 0.0001 * noise(m, 1), 21.5 + 0.05 * Math.sin(a)] as Position;
      });
      if (reverse) pts.reverse();
      return [...pts, pts[0]];
    };
    const outer: Position[] = [[106.3, 21.3], [106.7, 21.3], [106.7, 21.7], [106.3, 21.7], [106.3, 21.3]];
    const host: AreaGeometry = { type: 'Polygon', coordinates: [outer, circle(0, true)] };
    const enclave: AreaGeometry = { type: 'Polygon', coordinates: [circle(57, false)] };
    const [h, e] = simplifyTogether([host, enclave], { tolerance: 0.0005, digits: 6 });
    const hole = new Set((h as { coordinates: Position[][] }).coordinates[1].map((p) => p.join()));
    const island = new Set((e as { coordinates: Position[][] }).coordinates[0].map((p) => p.join()));
    expect(hole.size).toBeLessThan(200);
    expect([...hole].sort()).toEqual([...island].sort());
  });

  it('drops parts smaller than the tolerance but never a whole unit', () => {
    const speck: Position[] = [[107, 22], [107.00001, 22], [107.00001, 22.00001], [107, 22]];
    const big: Position[] = [[106, 21], [106.5, 21], [106.5, 21.5], [106, 21.5], [106, 21]];
    const [withIsland, onlySpeck] = simplifyTogether(
      [
        { type: 'MultiPolygon', coordinates: [[big], [speck]] },
        { type: 'Polygon', coordinates: [speck] },
      ],
      { tolerance: 0.001, digits: 3 },
    );
    expect(withIsland).toEqual({ type: 'MultiPolygon', coordinates: [[big]] });
    expect(onlySpeck.type).toBe('Polygon');
    expect(ringsOf(onlySpeck)[0].length).toBeGreaterThanOrEqual(4);
  });

  it('gives the same result for the same input', () => {
    expect(simplifyTogether(grid(), { tolerance, digits: 6 })).toEqual(out);
  });
});

describe('toleranceFor / digitsFor', () => {
  it('scales with the drawn extent and keeps ten times finer precision', () => {
    // Lạng Sơn: about 1.27° of longitude at 21.9° N, 1.13° of latitude.
    const t = toleranceFor([106.09, 21.33, 107.36, 22.46], 2000);
    expect(t).toBeCloseTo((1.27 * Math.cos((21.895 * Math.PI) / 180)) / 2000, 6);
    expect(digitsFor(t)).toBe(5);
    expect(digitsFor(0.01)).toBe(3);
  });
});
