// The transmission graph as the server sends it (columns, one entry per person) and the pure steps that
// turn it into what sigma draws: filter by commune and date, lay out, colour, size and label.
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
  /** The node's index in GraphLinks (and in the layout). */
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
  /** Large graphs: the links, kept out of graphology (and of sigma's per-item indexes) as plain arrays. */
  links?: GraphLinks;
}

/**
 * Links as arrays, node by index (NodeAttributes.index). Adding 100,000 edges to graphology and having
 * sigma index them took two seconds of the first render of an outbreak-sized graph; as arrays, they are
 * drawn straight from one buffer (LinkLayerProgram) and only when zoomed in enough to see them.
 */
export interface GraphLinks {
  /** Node key by node index. */
  keys: string[];
  /** Link i goes from source[i] (who exposed) to target[i] (who was exposed). */
  source: Int32Array;
  target: Int32Array;
  /** 1 for case-to-case links (transmission). */
  transmission: Uint8Array;
  /** Links of node v, either direction: linkOf[start[v]] … linkOf[start[v + 1] - 1]. */
  start: Int32Array;
  linkOf: Int32Array;
}

export interface BuildOptions {
  /** Above this many people, links are kept as GraphLinks instead of graphology edges. */
  linksAsideAbove?: number;
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

/** Colours a built graph another way, in place, without laying it out again. */
export function recolour(graph: ContactGraphModel, colourBy: ColourBy) {
  if (graph.getAttribute('colourBy') === colourBy) return;
  graph.updateEachNodeAttributes((_, node) => {
    paint(node, colourBy);
    return node;
  });
  graph.setAttribute('colourBy', colourBy);
}

export function keeps(filter: GraphFilter, commune: string, date: string): boolean {
  if (filter.communes && !filter.communes.has(commune)) return false;
  if ((filter.from || filter.to) && !date) return false;
  if (filter.from && date < filter.from) return false;
  if (filter.to && date > filter.to) return false;
  return true;
}

/**
 * The people that pass the filter, the edges between them, laid out and coloured. Node keys are person
 * ids as strings (a repeated person id keeps its first row); edge keys are "e<n>". Edges that point
 * outside the arrays, loops and repeats are dropped. Above `linksAsideAbove` people, the edges are in
 * the graph attribute `links` instead (GraphLinks, same order: link n is edge "e<n>").
 */
export function buildGraph(payload: GraphPayload, filter: GraphFilter, options: BuildOptions = {}): ContactGraphModel {
  const total = payload.person.length;
  const local = new Int32Array(total).fill(-1);
  const rows: number[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < total; i++) {
    if (!keeps(filter, payload.commune[i], payload.date[i])) continue;
    const id = payload.person[i];
    if (seen.has(id)) continue;
    seen.add(id);
    local[i] = rows.length;
    rows.push(i);
  }
  const n = rows.length;
  const edges = keptEdges(payload.edges, local, n);

  // Stars form round cases; the earliest case of a chain is the root of its generations.
  const isCase = new Uint8Array(n);
  const rank = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    const row = rows[v];
    isCase[v] = payload.degree[row] === 0 ? 1 : 0;
    rank[v] = Number((payload.date[row] ?? '').replaceAll('-', '')) || Infinity;
  }
  const layout = layoutGraph(n, edges, isCase, rank);

  // Contacts take the cluster of the case they hang from, so colouring by cluster shows whole chains.
  const cluster: (number | null)[] = new Array(n);
  for (let v = 0; v < n; v++) {
    const hub = layout.hubOf[v];
    cluster[v] = isCase[hub] ? (payload.cluster[rows[hub]] ?? null) : null;
  }

  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (let v = 0; v < n; v++) {
    x0 = Math.min(x0, layout.x[v]);
    x1 = Math.max(x1, layout.x[v]);
    y0 = Math.min(y0, layout.y[v]);
    y1 = Math.max(y1, layout.y[v]);
  }
  const graph: ContactGraphModel = new DirectedGraph({ allowSelfLoops: false });
  graph.replaceAttributes({ truncated: payload.truncated, colourBy: filter.colourBy, extent: n ? Math.max(x1 - x0, y1 - y0, 1) : 1 });
  const keys: string[] = new Array(n);
  for (let v = 0; v < n; v++) keys[v] = String(payload.person[rows[v]]);
  // Contacts first and cases last: sigma draws in insertion order, so a case stays visible over its contacts.
  for (const v of byDegreeDescending(n, (v) => payload.degree[rows[v]])) {
    const row = rows[v];
    const degree = payload.degree[row];
    const status = payload.status[row];
    const attributes: NodeAttributes = {
      x: layout.x[v],
      y: layout.y[v],
      size: NODE_SIZES[Math.min(Math.max(degree, 0), NODE_SIZES.length - 1)],
      color: '',
      label: payload.name ? nameLabel(payload.name[row], degree) : `F${degree}`,
      personId: payload.person[row],
      degree,
      status,
      cluster: cluster[v],
      index: v,
    };
    paint(attributes, filter.colourBy);
    graph.addNode(keys[v], attributes);
  }
  const m = edges.length / 2;
  const transmission = new Uint8Array(m);
  for (let j = 0; j < m; j++) transmission[j] = payload.degree[rows[edges[2 * j]]] === 0 && payload.degree[rows[edges[2 * j + 1]]] === 0 ? 1 : 0;
  if (options.linksAsideAbove !== undefined && n > options.linksAsideAbove) {
    const source = new Int32Array(m);
    const target = new Int32Array(m);
    const start = new Int32Array(n + 1);
    for (let j = 0; j < m; j++) {
      source[j] = edges[2 * j];
      target[j] = edges[2 * j + 1];
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
    graph.setAttribute('links', { keys, source, target, transmission, start, linkOf });
    return graph;
  }
  const arrows = m <= 5_000;
  for (let j = 0; j < m; j++) {
    const attributes: EdgeAttributes = {
      size: transmission[j] ? 0.3 : 0.12,
      color: transmission[j] ? TRANSMISSION_COLOR : EDGE_COLOR,
      transmission: transmission[j] === 1,
    };
    if (arrows) attributes.type = 'arrow';
    graph.addDirectedEdgeWithKey(`e${j}`, keys[edges[2 * j]], keys[edges[2 * j + 1]], attributes);
  }
  return graph;
}

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
function byDegreeDescending(n: number, degreeOf: (v: number) => number): Int32Array {
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
