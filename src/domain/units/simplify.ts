// Boundaries simplified for the scale they are drawn at, keeping neighbours' shared borders shared.
//
// Simplifying each polygon on its own leaves slivers and gaps along borders, because the two
// neighbours keep different vertices of the same border. Here the polygons of a map are cut into
// arcs at the junctions (vertices where borders meet or part), every arc is simplified once
// (Douglas–Peucker, in a canonical direction) and each ring is put back together from its arcs,
// so both sides of a border keep exactly the same vertices. Pure: no I/O.

export type Position = [number, number];
type Ring = Position[];
export type AreaGeometry = { type: 'Polygon'; coordinates: Ring[] } | { type: 'MultiPolygon'; coordinates: Ring[][] };

export interface SimplifyOptions {
  /** Largest distance (degrees of latitude) a dropped vertex may lie from the simplified line. */
  tolerance: number;
  /** Decimals kept in the output coordinates (5 ≈ 1 m). */
  digits: number;
}

/** Input vertices closer than this (degrees) are one vertex: about 1 cm, below any survey's precision. */
const SNAP = 1e7;

interface Vertex {
  key: string;
  x: number;
  y: number;
}

/**
 * Simplifies polygons that are drawn together (e.g. the districts of a province) with
 * `tolerance` and rounds the result to `digits` decimals. Shared borders stay identical; rings
 * that shrink below three vertices are dropped (they are smaller than the tolerance), but a
 * geometry never loses all of its polygons: then its largest part is kept as it was.
 */
export function simplifyTogether(geometries: AreaGeometry[], opts: SimplifyOptions): AreaGeometry[] {
  // 1. Rings as vertex lists without the closing vertex or repeated vertices.
  const polygonsOf = (g: AreaGeometry): Ring[][] => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates);
  const parsed = geometries.map((g) => polygonsOf(g).map((poly) => poly.map(toVertices)));

  // 2. A vertex is a junction when it has more than two distinct neighbours over all rings: that
  // is where three units meet, or where a shared border ends and the unit's own border goes on.
  const neighbours = new Map<string, Set<string>>();
  const link = (a: string, b: string) => {
    let s = neighbours.get(a);
    if (!s) neighbours.set(a, (s = new Set()));
    s.add(b);
  };
  for (const g of parsed)
    for (const poly of g)
      for (const ring of poly)
        for (let i = 0; i < ring.length; i++) {
          const next = ring[(i + 1) % ring.length];
          link(ring[i].key, next.key);
          link(next.key, ring[i].key);
        }
  const isJunction = (v: Vertex) => neighbours.get(v.key)!.size > 2;

  // 3. Each arc simplified once, whichever ring meets it first and in whichever direction.
  const done = new Map<string, Vertex[]>();
  const mercatorX = Math.cos(((centreLat(parsed) ?? 0) * Math.PI) / 180);
  const simplifyArc = (arc: Vertex[]): Vertex[] => {
    const forward = arcIsCanonical(arc);
    const canonical = forward ? arc : [...arc].reverse();
    const id = canonical.map((v) => v.key).join(';');
    let out = done.get(id);
    if (!out) done.set(id, (out = douglasPeucker(canonical, opts.tolerance, mercatorX)));
    return forward ? out : [...out].reverse();
  };

  const factor = 10 ** opts.digits;
  const round = (v: number) => Math.round(v * factor) / factor;
  const simplifyRing = (ring: Vertex[]): Ring | null => {
    if (ring.length < 3) return null;
    const arcs = arcsOf(ring, isJunction);
    const out: Position[] = [];
    for (const arc of arcs)
      for (const v of simplifyArc(arc)) {
        const p: Position = [round(v.x), round(v.y)];
        const last = out[out.length - 1];
        if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
      }
    if (out.length > 1 && out[0][0] === out[out.length - 1][0] && out[0][1] === out[out.length - 1][1]) out.pop();
    if (out.length < 3 || planarArea(out) === 0) return null;
    out.push([out[0][0], out[0][1]]);
    return out;
  };

  return parsed.map((g, gi) => {
    const polys: Ring[][] = [];
    for (const poly of g) {
      const outer = simplifyRing(poly[0] ?? []);
      if (!outer) continue; // a part smaller than the tolerance: its holes go with it
      const holes = poly.slice(1).map(simplifyRing).filter((r): r is Ring => r !== null);
      polys.push([outer, ...holes]);
    }
    if (!polys.length) polys.push(largestPart(polygonsOf(geometries[gi])));
    return polys.length === 1 && geometries[gi].type === 'Polygon' ? { type: 'Polygon', coordinates: polys[0] } : { type: 'MultiPolygon', coordinates: polys };
  });
}

function toVertices(ring: Position[]): Vertex[] {
  const out: Vertex[] = [];
  for (const p of ring) {
    if (!Array.isArray(p) || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) continue;
    const ix = Math.round(p[0] * SNAP);
    const iy = Math.round(p[1] * SNAP);
    const key = `${ix},${iy}`;
    if (out.length && out[out.length - 1].key === key) continue;
    out.push({ key, x: ix / SNAP, y: iy / SNAP });
  }
  if (out.length > 1 && out[0].key === out[out.length - 1].key) out.pop();
  return out;
}

/**
 * The ring cut at its junctions into arcs, each from one junction to the next (both included).
 * A ring without junctions (an island, or an enclave and the hole it fills) is one closed arc
 * starting at its smallest vertex, so that every ring running along it starts in the same place.
 */
function arcsOf(ring: Vertex[], isJunction: (v: Vertex) => boolean): Vertex[][] {
  const n = ring.length;
  const cuts: number[] = [];
  for (let i = 0; i < n; i++) if (isJunction(ring[i])) cuts.push(i);
  if (!cuts.length) {
    let start = 0;
    for (let i = 1; i < n; i++) if (ring[i].key < ring[start].key) start = i;
    const closed: Vertex[] = [];
    for (let i = 0; i <= n; i++) closed.push(ring[(start + i) % n]);
    return [closed];
  }
  const arcs: Vertex[][] = [];
  for (let c = 0; c < cuts.length; c++) {
    const from = cuts[c];
    const to = c + 1 < cuts.length ? cuts[c + 1] : cuts[0] + n;
    const arc: Vertex[] = [];
    for (let i = from; i <= to; i++) arc.push(ring[i % n]);
    arcs.push(arc);
  }
  return arcs;
}

/** One of an arc's two directions, the same whichever ring it is read from. */
function arcIsCanonical(arc: Vertex[]): boolean {
  for (let i = 0, j = arc.length - 1; i < j; i++, j--) {
    if (arc[i].key !== arc[j].key) return arc[i].key < arc[j].key;
  }
  return true;
}

/**
 * Douglas–Peucker with the ends kept; distances in a local equirectangular frame (longitude
 * scaled by the cosine of the latitude), so the tolerance means the same east–west and north–south.
 * A closed arc (first = last) is split at its vertex farthest from the start.
 */
function douglasPeucker(arc: Vertex[], tolerance: number, kx: number): Vertex[] {
  const n = arc.length;
  if (n <= 2) return arc;
  const keep = new Uint8Array(n);
  keep[0] = keep[n - 1] = 1;
  const t2 = tolerance * tolerance;
  const stack: [number, number][] = [];
  if (arc[0].key === arc[n - 1].key) {
    let far = 1;
    let best = -1;
    for (let i = 1; i < n - 1; i++) {
      const d = sq((arc[i].x - arc[0].x) * kx) + sq(arc[i].y - arc[0].y);
      if (d > best) [best, far] = [d, i];
    }
    keep[far] = 1;
    stack.push([0, far], [far, n - 1]);
  } else stack.push([0, n - 1]);
  while (stack.length) {
    const [a, b] = stack.pop()!;
    let idx = -1;
    let max = t2;
    for (let i = a + 1; i < b; i++) {
      const d = segmentDistance2(arc[i], arc[a], arc[b], kx);
      if (d > max) [max, idx] = [d, i];
    }
    if (idx >= 0) {
      keep[idx] = 1;
      stack.push([a, idx], [idx, b]);
    }
  }
  return arc.filter((_, i) => keep[i]);
}

const sq = (v: number) => v * v;

function segmentDistance2(p: Vertex, a: Vertex, b: Vertex, kx: number): number {
  const ax = a.x * kx, ay = a.y, bx = b.x * kx, by = b.y, px = p.x * kx, py = p.y;
  const dx = bx - ax, dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
  t = Math.max(0, Math.min(1, t));
  return sq(px - (ax + t * dx)) + sq(py - (ay + t * dy));
}

function planarArea(ring: Position[]): number {
  let s = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) s += ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
  return Math.abs(s) / 2;
}

function centreLat(parsed: Vertex[][][][]): number | null {
  let min = Infinity, max = -Infinity;
  for (const g of parsed)
    for (const poly of g)
      for (const v of poly[0] ?? []) {
        min = Math.min(min, v.y);
        max = Math.max(max, v.y);
      }
  return Number.isFinite(min) ? (min + max) / 2 : null;
}

function largestPart(polys: Ring[][]): Ring[] {
  let best: Ring[] = polys[0] ?? [];
  let area = -1;
  for (const p of polys) {
    const a = p[0] && p[0].length >= 4 ? planarArea(p[0]) : 0;
    if (a > area) [best, area] = [p, a];
  }
  return best;
}

/** The tolerance for polygons drawn `pixels` wide across their joint bounding box `[minLon, minLat, maxLon, maxLat]`. */
export function toleranceFor(bbox: [number, number, number, number], pixels: number): number {
  const midLat = ((bbox[1] + bbox[3]) / 2) * (Math.PI / 180);
  const extent = Math.max((bbox[2] - bbox[0]) * Math.cos(midLat), bbox[3] - bbox[1]);
  return extent / pixels;
}

/** Decimals enough to place vertices ten times finer than the tolerance. */
export function digitsFor(tolerance: number): number {
  return Math.min(9, Math.max(0, Math.ceil(-Math.log10(tolerance / 10))));
}
