// The transmission graph as the server sends it (columns, one entry per person) and the pure steps that
// turn it into what is drawn: filter by commune and date, lay out (a GraphModel of typed arrays, which the
// large-graph renderer draws from), colour, size and label (a graphology graph for sigma, small graphs).
import { DirectedGraph } from 'graphology';
import { layoutGraph } from './graphLayout.ts';

export { makeSyntheticPayload } from './syntheticPayload.ts';

export interface GraphPayload {
  /** Person ids, one per node. */
  person: number[];
  /** Display names, parallel to person; absent for large graphs, whose names are asked for as they are shown (nameLabel). */
  name?: string[];
  /** 0 = case (F0), 1 = F1, 2 = F2, … (the person's closest degree). */
  degree: number[];
  /** Case status for cases ('confirmed' | 'recovered' | 'died' | 'transferred'), contact status for others ('traced' | 'proposed' | 'became_case'). */
  status: string[];
  /** Commune code of residence, parallel to person. */
  commune: string[];
  /** ISO date: report date for a case, exposure date for a contact. */
  date: string[];
  /** Cluster id of the case, or null. */
  cluster: (number | null)[];
  /** Edges as flat index pairs into the arrays above: [source0, target0, source1, target1, …] (source = who exposed, target = who was exposed). */
  edges: number[];
  /** Set when the server cut the graph at its limit. */
  truncated: boolean;
}

export type ColourBy = 'status' | 'degree' | 'cluster';

export interface GraphFilter {
  /** Communes of residence to keep; null or absent keeps all. */
  communes?: Set<string> | null;
  /** First and last date kept (ISO, inclusive); a person without a date is dropped when either is set. */
  from?: string;
  to?: string;
  colourBy: ColourBy;
}

/** A node's label once its name is known. */
export const nameLabel = (name: string, degree: number) => `${name} · F${degree}`;

export interface NodeAttributes {
  x: number;
  y: number;
  size: number;
  color: string;
  label: string;
  personId: number;
  degree: number;
  status: string;
  /** The person's cluster: a case's own, or for a contact the cluster of the case it hangs from in the layout. */
  cluster: number | null;
  /** The node's index in the GraphModel it was built from. */
  index: number;
  /** 'border' draws borderColor as a ring (a contact who became a case); absent means sigma's default disc. */
  type?: 'border';
  borderColor?: string;
}

export interface EdgeAttributes {
  size: number;
  color: string;
  /** Case to case: a transmission link, drawn stronger than case-to-contact exposure. */
  transmission: boolean;
  type?: 'arrow';
}

export interface GraphAttributes {
  truncated: boolean;
  colourBy: ColourBy;
  /** Larger side of the layout's bounding box, in layout units (sizes are in the same units). */
  extent: number;
}

export type ContactGraphModel = DirectedGraph<NodeAttributes, EdgeAttributes, GraphAttributes>;

export const CASE_STATUS_COLORS: Record<string, string> = {
  confirmed: '#e03131',
  recovered: '#2f9e44',
  died: '#343a40',
  transferred: '#7048e8',
};
const UNKNOWN_CASE_COLOR = '#e8590c';
/** F0, F1, F2, F3 and beyond. */
export const DEGREE_COLORS = ['#e03131', '#fd7e14', '#fcc419', '#adb5bd'];
export const BECAME_CASE_BORDER = '#c92a2a';
export const CLUSTER_PALETTE = [
  '#1c7ed6', '#f76707', '#37b24d', '#ae3ec9', '#f59f00', '#1098ad',
  '#d6336c', '#74b816', '#4263eb', '#e03131', '#0ca678', '#845ef7',
];
export const NO_CLUSTER_COLOR = '#ced4da';
export const EDGE_COLOR = '#ced4da';
export const TRANSMISSION_COLOR = '#ff8787';
/** A hovered person's links. */
export const LINK_HIGHLIGHT = '#495057';

const degreeColor = (degree: number) => DEGREE_COLORS[Math.min(Math.max(degree, 0), DEGREE_COLORS.length - 1)];
export const clusterColor = (cluster: number | null) =>
  cluster == null ? NO_CLUSTER_COLOR : CLUSTER_PALETTE[((cluster % CLUSTER_PALETTE.length) + CLUSTER_PALETTE.length) % CLUSTER_PALETTE.length];

export function nodeColor(colourBy: ColourBy, degree: number, status: string, cluster: number | null): string {
  if (colourBy === 'cluster') return clusterColor(cluster);
  if (colourBy === 'degree' || degree > 0) return degreeColor(degree);
  return CASE_STATUS_COLORS[status] ?? UNKNOWN_CASE_COLOR;
}

export interface LegendItem {
  /** i18n key of the label. */
  key: string;
  color: string;
  /** Ring drawn around the swatch. */
  border?: string;
  /** Several colours in one swatch (one per cluster). */
  swatches?: string[];
}

export function legendFor(colourBy: ColourBy): LegendItem[] {
  const degrees = (from: number) =>
    DEGREE_COLORS.slice(from).map((color, i) => ({ key: `graph.legend.${['f0', 'f1', 'f2', 'f3plus'][from + i]}`, color }));
  if (colourBy === 'degree') return degrees(0);
  if (colourBy === 'cluster')
    return [
      { key: 'graph.legend.cluster', color: CLUSTER_PALETTE[0], swatches: CLUSTER_PALETTE.slice(0, 5) },
      { key: 'graph.legend.noCluster', color: NO_CLUSTER_COLOR },
    ];
  return [
    ...Object.entries(CASE_STATUS_COLORS).map(([status, color]) => ({ key: `graph.legend.${status}`, color })),
    ...degrees(1),
    { key: 'graph.legend.becameCase', color: DEGREE_COLORS[1], border: BECAME_CASE_BORDER },
  ];
}

/** Node radius in layout units (a star's first ring is 2.6 units from its case): a case, an F1, an F2 or further. */
export const NODE_SIZES = [1.5, 0.9, 0.75];

/** Sets a node's colour (and the became-case ring, shown when colouring by status). */
function paint(node: NodeAttributes, colourBy: ColourBy) {
  node.color = nodeColor(colourBy, node.degree, node.status, node.cluster);
  if (colourBy === 'status' && node.status === 'became_case') {
    node.type = 'border';
    node.borderColor = BECAME_CASE_BORDER;
  } else {
    delete node.type;
    delete node.borderColor;
  }
}

/** '#rrggbb' as its red, green and blue bytes. */
export function rgbBytes(hex: string): [number, number, number] {
  const v = parseInt(hex.slice(1, 7), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/**
 * Every node's fill and ring colour as RGBA bytes (4 per node, node order), for the large-graph renderer.
 * The ring is the fill colour except for a contact who became a case, when colouring by status.
 */
export function nodeColourBytes(model: GraphModel, colourBy: ColourBy): { fill: Uint8Array; ring: Uint8Array } {
  const fill = new Uint8Array(model.n * 4);
  const ring = new Uint8Array(model.n * 4);
  const parsed = new Map<string, [number, number, number]>();
  const bytes = (hex: string) => {
    let c = parsed.get(hex);
    if (!c) parsed.set(hex, (c = rgbBytes(hex)));
    return c;
  };
  const becameCase = bytes(BECAME_CASE_BORDER);
  // Colouring by status or degree depends on degree and status only: work each pair out once.
  const byKind = new Map<string, [number, number, number]>();
  for (let v = 0, o = 0; v < model.n; v++, o += 4) {
    let c: [number, number, number];
    if (colourBy === 'cluster') c = bytes(clusterColor(clusterOf(model, v)));
    else {
      const kind = model.degree[v] === 0 ? model.status[v] : model.degree[v] + '';
      let k = byKind.get(kind);
      if (!k) byKind.set(kind, (k = bytes(nodeColor(colourBy, model.degree[v], model.status[v], null))));
      c = k;
    }
    const r = colourBy === 'status' && model.status[v] === 'became_case' ? becameCase : c;
    fill[o] = c[0];
    fill[o + 1] = c[1];
    fill[o + 2] = c[2];
    fill[o + 3] = 255;
    ring[o] = r[0];
    ring[o + 1] = r[1];
    ring[o + 2] = r[2];
    ring[o + 3] = 255;
  }
  return { fill, ring };
}

/** Colours a built graph another way, in place, without laying it out again. */
export function recolour(graph: ContactGraphModel, colourBy: ColourBy) {
  if (graph.getAttribute('colourBy') === colourBy) return;
  graph.updateEachNodeAttributes((_, node) => {
    paint(node, colourBy);
    return node;
  });
  graph.setAttribute('colourBy', colourBy);
}

export function keeps(filter: Omit<GraphFilter, 'colourBy'>, commune: string, date: string): boolean {
  if (filter.communes && !filter.communes.has(commune)) return false;
  if ((filter.from || filter.to) && !date) return false;
  if (filter.from && date < filter.from) return false;
  if (filter.to && date > filter.to) return false;
  return true;
}

/**
 * The graph as typed arrays, one entry per kept person (node index v = 0 … n-1, in payload order): what
 * the large-graph renderer draws straight from (no per-node objects), and what the small-graph path turns
 * into a graphology graph for sigma (buildGraph).
 */
export interface GraphModel {
  n: number;
  /** Person id of node v. */
  person: Float64Array;
  /** 0 = case, 1 = F1, … (capped at 255). */
  degree: Uint8Array;
  /** The payload's status string of node v. */
  status: string[];
  /** The person's cluster (a case's own; a contact takes the cluster of the case it hangs from in the layout), -1 for none. */
  cluster: Float64Array;
  /** Layout position (sigma's axes: y up), in layout units; node radii are NODE_SIZES in the same units. */
  x: Float32Array;
  y: Float32Array;
  /** Bounding box of the positions and its larger side (at least 1). */
  box: { x0: number; x1: number; y0: number; y1: number };
  extent: number;
  links: GraphLinks;
  /** Names from the payload (small graphs); large graphs ask for them as they are shown. */
  name?: string[];
  truncated: boolean;
}

/**
 * Links as arrays, node by index: link i goes from source[i] (who exposed) to target[i] (who was exposed);
 * the links of node v, either direction, are linkOf[start[v]] … linkOf[start[v + 1] - 1].
 */
export interface GraphLinks {
  source: Int32Array;
  target: Int32Array;
  /** 1 for case-to-case links (transmission). */
  transmission: Uint8Array;
  start: Int32Array;
  linkOf: Int32Array;
}

/** The people of a GraphModel's node indices whose links (either direction) touch node v. */
export function linksOf(links: GraphLinks, v: number): Int32Array {
  return links.linkOf.subarray(links.start[v], links.start[v + 1]);
}

/**
 * The people that pass the filter and the links between them, laid out (graphLayout.ts). A repeated
 * person id keeps its first row; links that point outside the arrays, loops and repeats are dropped.
 */
export function buildModel(payload: GraphPayload, filter: Omit<GraphFilter, 'colourBy'>): GraphModel {
  const total = payload.person.length;
  const local = new Int32Array(total).fill(-1);
  const rows: number[] = [];
  const seen = seenSet(payload.person);
  const filtering = !!(filter.communes || filter.from || filter.to);
  for (let i = 0; i < total; i++) {
    if (filtering && !keeps(filter, payload.commune[i], payload.date[i])) continue;
    if (seen.add(payload.person[i])) continue;
    local[i] = rows.length;
    rows.push(i);
  }
  const n = rows.length;
  const edges = keptEdges(payload.edges, local, n);

  // Stars form round cases; the earliest case of a chain is the root of its generations.
  const person = new Float64Array(n);
  const degree = new Uint8Array(n);
  const status: string[] = new Array(n);
  const isCase = new Uint8Array(n);
  const rank = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    const row = rows[v];
    person[v] = payload.person[row];
    degree[v] = Math.min(Math.max(payload.degree[row], 0), 255);
    status[v] = payload.status[row];
    isCase[v] = degree[v] === 0 ? 1 : 0;
    rank[v] = dateRank(payload.date[row]);
  }
  const layout = layoutGraph(n, edges, isCase, rank);

  // Contacts take the cluster of the case they hang from, so colouring by cluster shows whole chains.
  const cluster = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    const hub = layout.hubOf[v];
    cluster[v] = isCase[hub] ? (payload.cluster[rows[hub]] ?? -1) : -1;
  }

  const x = new Float32Array(layout.x);
  const y = new Float32Array(layout.y);
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (let v = 0; v < n; v++) {
    if (x[v] < x0) x0 = x[v];
    if (x[v] > x1) x1 = x[v];
    if (y[v] < y0) y0 = y[v];
    if (y[v] > y1) y1 = y[v];
  }
  if (!n) x0 = x1 = y0 = y1 = 0;

  const m = edges.length / 2;
  const source = new Int32Array(m);
  const target = new Int32Array(m);
  const transmission = new Uint8Array(m);
  const start = new Int32Array(n + 1);
  for (let j = 0; j < m; j++) {
    source[j] = edges[2 * j];
    target[j] = edges[2 * j + 1];
    transmission[j] = isCase[source[j]] && isCase[target[j]] ? 1 : 0;
    start[source[j] + 1]++;
    start[target[j] + 1]++;
  }
  for (let v = 0; v < n; v++) start[v + 1] += start[v];
  const fill = start.slice(0, n);
  const linkOf = new Int32Array(2 * m);
  for (let j = 0; j < m; j++) {
    linkOf[fill[source[j]]++] = j;
    linkOf[fill[target[j]]++] = j;
  }
  return {
    n,
    person,
    degree,
    status,
    cluster,
    x,
    y,
    box: { x0, x1, y0, y1 },
    extent: Math.max(x1 - x0, y1 - y0, 1),
    links: { source, target, transmission, start, linkOf },
    name: payload.name ? rows.map((row) => payload.name![row]) : undefined,
    truncated: payload.truncated,
  };
}

/** 'YYYY-MM-DD' as the number YYYYMMDD (from the character codes: no strings made for 125,000 dates), Infinity when not a date. */
export function dateRank(date: string | null | undefined): number {
  if (!date || date.length !== 10 || date.charCodeAt(4) !== 45 || date.charCodeAt(7) !== 45) return Infinity;
  let r = 0;
  for (let i = 0; i < 10; i++) {
    if (i === 4 || i === 7) continue;
    const d = date.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return Infinity;
    r = r * 10 + d;
  }
  return r;
}

/** The cluster of node v as the colouring takes it (null for none). */
export const clusterOf = (model: GraphModel, v: number) => (model.cluster[v] < 0 ? null : model.cluster[v]);

/**
 * A set of person ids whose add() tells whether the id was in already: a bitmap when the ids are small
 * positive integers (as database ids are), a Set otherwise.
 */
function seenSet(ids: number[]): { add(id: number): boolean } {
  let max = 0;
  for (const id of ids) {
    if (!(Number.isInteger(id) && id >= 0)) max = Infinity;
    else if (id > max) max = id;
  }
  if (max < 2 ** 28) {
    const bits = new Uint32Array((max >>> 5) + 1);
    return {
      add(id) {
        const word = id >>> 5;
        const bit = 1 << (id & 31);
        if (bits[word] & bit) return true;
        bits[word] |= bit;
        return false;
      },
    };
  }
  const set = new Set<number>();
  return {
    add(id) {
      if (set.has(id)) return true;
      set.add(id);
      return false;
    },
  };
}

/**
 * The model as a graphology graph for sigma (small graphs): node keys are person ids as strings, edge keys
 * "e<n>" in link order, contacts added before cases (sigma draws in insertion order, so a case stays
 * visible over its contacts).
 */
export function toGraphology(model: GraphModel, colourBy: ColourBy): ContactGraphModel {
  const { n } = model;
  const graph: ContactGraphModel = new DirectedGraph({ allowSelfLoops: false });
  graph.replaceAttributes({ truncated: model.truncated, colourBy, extent: model.extent });
  const keys: string[] = new Array(n);
  for (let v = 0; v < n; v++) keys[v] = String(model.person[v]);
  for (const v of byDegreeDescending(n, (v) => model.degree[v])) {
    const degree = model.degree[v];
    const attributes: NodeAttributes = {
      x: model.x[v],
      y: model.y[v],
      size: nodeSize(degree),
      color: '',
      label: model.name ? nameLabel(model.name[v], degree) : `F${degree}`,
      personId: model.person[v],
      degree,
      status: model.status[v],
      cluster: clusterOf(model, v),
      index: v,
    };
    paint(attributes, colourBy);
    graph.addNode(keys[v], attributes);
  }
  const { source, target, transmission } = model.links;
  const arrows = source.length <= 5_000;
  for (let j = 0; j < source.length; j++) {
    const attributes: EdgeAttributes = {
      size: transmission[j] ? 0.3 : 0.12,
      color: transmission[j] ? TRANSMISSION_COLOR : EDGE_COLOR,
      transmission: transmission[j] === 1,
    };
    if (arrows) attributes.type = 'arrow';
    graph.addDirectedEdgeWithKey(`e${j}`, keys[source[j]], keys[target[j]], attributes);
  }
  return graph;
}

/** buildModel then toGraphology: the people that pass the filter, laid out and coloured, as a graphology graph. */
export function buildGraph(payload: GraphPayload, filter: GraphFilter): ContactGraphModel {
  return toGraphology(buildModel(payload, filter), filter.colourBy);
}

/** Node radius in layout units by degree (NODE_SIZES). */
export const nodeSize = (degree: number) => NODE_SIZES[Math.min(Math.max(degree, 0), NODE_SIZES.length - 1)];

/**
 * The payload's edges (flat row pairs) between kept people, as flat pairs of local indices, in their
 * order, without loops, repeats or rows outside the arrays. Repeats are found per source with a marker
 * array (a set of pair keys was a tenth of a second at 100,000 edges).
 */
function keptEdges(src: number[], local: Int32Array, n: number): Int32Array {
  const total = local.length;
  const pairs = new Int32Array(src.length & ~1);
  let m = 0;
  for (let j = 0; j + 1 < src.length; j += 2) {
    const s = src[j];
    const t = src[j + 1];
    if (!(s >= 0 && s < total && t >= 0 && t < total)) continue;
    const a = local[s];
    const b = local[t];
    if (a < 0 || b < 0 || a === b) continue;
    pairs[2 * m] = a;
    pairs[2 * m + 1] = b;
    m++;
  }
  // Edges grouped by source, each group in edge order; a target seen before in the group is a repeat.
  const start = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) start[pairs[2 * e] + 1]++;
  for (let v = 0; v < n; v++) start[v + 1] += start[v];
  const fill = start.slice(0, n);
  const bySource = new Int32Array(m);
  for (let e = 0; e < m; e++) bySource[fill[pairs[2 * e]]++] = e;
  const mark = new Int32Array(n).fill(-1);
  const keep = new Uint8Array(m);
  let kept = 0;
  for (let a = 0; a < n; a++) {
    for (let k = start[a]; k < start[a + 1]; k++) {
      const e = bySource[k];
      const b = pairs[2 * e + 1];
      if (mark[b] === a) continue;
      mark[b] = a;
      keep[e] = 1;
      kept++;
    }
  }
  const out = new Int32Array(2 * kept);
  for (let e = 0, o = 0; e < m; e++) {
    if (!keep[e]) continue;
    out[o++] = pairs[2 * e];
    out[o++] = pairs[2 * e + 1];
  }
  return out;
}

/** Node indices 0 … n-1 ordered by degree, highest first, ties in index order (a counting sort). */
export function byDegreeDescending(n: number, degreeOf: (v: number) => number): Int32Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (let v = 0; v < n; v++) {
    lo = Math.min(lo, degreeOf(v));
    hi = Math.max(hi, degreeOf(v));
  }
  const out = new Int32Array(n);
  if (!n) return out;
  const buckets = new Int32Array(hi - lo + 2);
  for (let v = 0; v < n; v++) buckets[hi - degreeOf(v) + 1]++;
  for (let b = 1; b < buckets.length; b++) buckets[b] += buckets[b - 1];
  for (let v = 0; v < n; v++) out[buckets[hi - degreeOf(v)]++] = v;
  return out;
}
