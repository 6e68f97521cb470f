// Pure geometry of the large-graph renderer (pointGraph.ts): the camera (which part of the layout is on
// screen, and how large nodes are drawn) and a grid of the layout's nodes to find the person under a
// click or tap and the people on screen, without per-node objects or a picking image read back from
// the GPU.
import { NODE_SIZES, type ColourBy } from './graphData.ts';

/** What ContactGraph gives either renderer (sigmaGraph.ts for small graphs, pointGraph.ts for large ones). Nodes are GraphModel indices. */
export interface GraphViewOptions {
  colourBy: ColourBy;
  /** A click (or a second tap) on a person. */
  onOpen(v: number): void;
  /** A first tap on a person (touch: who it is), or null when a tap went to the background. */
  onTap(v: number | null): void;
  /** For graphs without names: the names of these people (by person id). */
  fetchNames?(personIds: number[]): Promise<Map<number, string>>;
  /** Some labels changed (names came in). */
  onLabels?(): void;
  /** The browser took the WebGL context away (too many open, GPU reset): the view must be made again. */
  onLost?(): void;
}

/** What ContactGraph can do with either renderer. */
export interface GraphViewHandle {
  setColourBy(colourBy: ColourBy): void;
  move(to: 'in' | 'out' | 'reset'): void;
  /** The label of node v (the name once known, and the degree). */
  labelOf(v: number): string;
  kill(): void;
}

/** What is on screen: the layout point at the centre of the viewport and CSS pixels per layout unit. */
export interface Camera {
  cx: number;
  cy: number;
  scale: number;
}

export interface Viewport {
  width: number;
  height: number;
}

export interface Box {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** Space left round the whole graph when it is fitted to the view, in pixels. */
export const FIT_PADDING = 30;

/**
 * Smallest and largest radius of a case on screen, in pixels: zoomed out, sizes stop shrinking with the
 * layout (a case stays visible); zoomed in (or a graph of a few people fitted to the screen), they stop
 * growing and the layout opens up around them.
 */
export const MIN_CASE_PX = 3;
export const MAX_CASE_PX = 20;

/** The camera that shows the whole box, `padding` pixels from the edges. */
export function fitCamera(box: Box, viewport: Viewport, padding: number): Camera {
  const w = Math.max(box.x1 - box.x0, 1);
  const h = Math.max(box.y1 - box.y0, 1);
  const scale = Math.min(Math.max(viewport.width - 2 * padding, 1) / w, Math.max(viewport.height - 2 * padding, 1) / h);
  return { cx: (box.x0 + box.x1) / 2, cy: (box.y0 + box.y1) / 2, scale };
}

/** Layout point → CSS pixel in the viewport (layout y points up, screen y down). */
export function toScreen(camera: Camera, viewport: Viewport, x: number, y: number): [number, number] {
  return [(x - camera.cx) * camera.scale + viewport.width / 2, viewport.height / 2 - (y - camera.cy) * camera.scale];
}

/** CSS pixel in the viewport → layout point. */
export function toLayout(camera: Camera, viewport: Viewport, sx: number, sy: number): [number, number] {
  return [camera.cx + (sx - viewport.width / 2) / camera.scale, camera.cy - (sy - viewport.height / 2) / camera.scale];
}

/** The camera zoomed by `factor` (clamped to [minScale, maxScale]) keeping the layout point under pixel (sx, sy) where it is. */
export function zoomAround(camera: Camera, viewport: Viewport, factor: number, sx: number, sy: number, minScale: number, maxScale: number): Camera {
  const scale = Math.min(Math.max(camera.scale * factor, minScale), maxScale);
  const [x, y] = toLayout(camera, viewport, sx, sy);
  return { cx: x - (sx - viewport.width / 2) / scale, cy: y + (sy - viewport.height / 2) / scale, scale };
}

/** The camera moved so that the layout follows the pointer by (dx, dy) pixels. */
export function panBy(camera: Camera, dx: number, dy: number): Camera {
  return { cx: camera.cx - dx / camera.scale, cy: camera.cy + dy / camera.scale, scale: camera.scale };
}

/** Pixels per layout unit for node radii: the camera's scale, kept so that a case is MIN_CASE_PX to MAX_CASE_PX on screen. */
export const radiusScale = (camera: Camera) => Math.min(Math.max(camera.scale, MIN_CASE_PX / NODE_SIZES[0]), MAX_CASE_PX / NODE_SIZES[0]);

/** The part of the layout on screen, grown by `margin` pixels on every side. */
export function visibleBox(camera: Camera, viewport: Viewport, margin = 0): Box {
  const hw = (viewport.width / 2 + margin) / camera.scale;
  const hh = (viewport.height / 2 + margin) / camera.scale;
  return { x0: camera.cx - hw, x1: camera.cx + hw, y0: camera.cy - hh, y1: camera.cy + hh };
}

/** The overlap of two boxes (empty ones have x0 > x1 or y0 > y1). */
export function intersect(a: Box, b: Box): Box {
  return { x0: Math.max(a.x0, b.x0), x1: Math.min(a.x1, b.x1), y0: Math.max(a.y0, b.y0), y1: Math.min(a.y1, b.y1) };
}

/** True when `outer` holds all of `inner` (an empty inner box is held by anything). */
export function covers(outer: Box, inner: Box): boolean {
  if (inner.x0 > inner.x1 || inner.y0 > inner.y1) return true;
  return outer.x0 <= inner.x0 && outer.x1 >= inner.x1 && outer.y0 <= inner.y0 && outer.y1 >= inner.y1;
}

/** Linear between cameras for the centre, geometric for the scale (zooming looks even), t in [0, 1]. */
export function between(a: Camera, b: Camera, t: number): Camera {
  return { cx: a.cx + (b.cx - a.cx) * t, cy: a.cy + (b.cy - a.cy) * t, scale: a.scale * Math.pow(b.scale / a.scale, t) };
}

/**
 * The nodes bucketed in square cells of the layout (a counting sort: two typed arrays whatever the size).
 * Cells are sized for a few nodes each on average.
 */
export class NodeGrid {
  readonly cell: number;
  private readonly cols: number;
  private readonly rows: number;
  private readonly x0: number;
  private readonly y0: number;
  private readonly start: Int32Array;
  private readonly items: Int32Array;

  constructor(
    private readonly x: Float32Array,
    private readonly y: Float32Array,
    box: Box,
    perCell = 4,
  ) {
    const n = x.length;
    const w = Math.max(box.x1 - box.x0, 1);
    const h = Math.max(box.y1 - box.y0, 1);
    let cell = Math.max(Math.sqrt((w * h * perCell) / Math.max(n, 1)), 1);
    // At most about four million cells, whatever the shape of the layout.
    cell = Math.max(cell, Math.sqrt((w * h) / 4_000_000));
    this.cell = cell;
    this.cols = Math.floor(w / cell) + 1;
    this.rows = Math.floor(h / cell) + 1;
    this.x0 = box.x0;
    this.y0 = box.y0;
    const cellOf = new Int32Array(n);
    const start = new Int32Array(this.cols * this.rows + 1);
    for (let v = 0; v < n; v++) {
      const c = this.cellAt(x[v], y[v]);
      cellOf[v] = c;
      start[c + 1]++;
    }
    for (let c = 0; c < this.cols * this.rows; c++) start[c + 1] += start[c];
    const fill = start.slice(0, this.cols * this.rows);
    const items = new Int32Array(n);
    for (let v = 0; v < n; v++) items[fill[cellOf[v]]++] = v;
    this.start = start;
    this.items = items;
  }

  private col(x: number) {
    return Math.min(Math.max(Math.floor((x - this.x0) / this.cell), 0), this.cols - 1);
  }

  private row(y: number) {
    return Math.min(Math.max(Math.floor((y - this.y0) / this.cell), 0), this.rows - 1);
  }

  private cellAt(x: number, y: number) {
    return this.row(y) * this.cols + this.col(x);
  }

  /**
   * Calls `visit` with every node whose position is inside the box (edges included), cell by cell;
   * stops early when `visit` returns false.
   */
  forEachIn(box: Box, visit: (v: number) => boolean | void): void {
    if (box.x1 < this.x0 || box.y1 < this.y0) return;
    const c0 = this.col(box.x0);
    const c1 = this.col(box.x1);
    const r0 = this.row(box.y0);
    const r1 = this.row(box.y1);
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const cell = r * this.cols + c;
        for (let k = this.start[cell]; k < this.start[cell + 1]; k++) {
          const v = this.items[k];
          const px = this.x[v];
          const py = this.y[v];
          if (px < box.x0 || px > box.x1 || py < box.y0 || py > box.y1) continue;
          if (visit(v) === false) return;
        }
      }
    }
  }

  /**
   * The node drawn at layout point (px, py): among the nodes whose disc (radius(v), layout units) contains
   * it, the one drawn last (highest `drawRank`); else the node whose disc edge is nearest, if within
   * `slop` layout units; else -1. `maxRadius` bounds radius(v).
   */
  pick(px: number, py: number, radius: (v: number) => number, maxRadius: number, slop: number, drawRank: Int32Array): number {
    const reach = maxRadius + slop;
    let inside = -1;
    let near = -1;
    let nearGap = Infinity;
    this.forEachIn({ x0: px - reach, x1: px + reach, y0: py - reach, y1: py + reach }, (v) => {
      const gap = Math.hypot(this.x[v] - px, this.y[v] - py) - radius(v);
      if (gap <= 0) {
        if (inside === -1 || drawRank[v] > drawRank[inside]) inside = v;
      } else if (gap <= slop && gap < nearGap) {
        near = v;
        nearGap = gap;
      }
    });
    return inside !== -1 ? inside : near;
  }
}

/** Counting sort of items 0 … key.length-1 by an integer key in [0, keys): the sorted items and where each key's items start. */
export function bucketOrder(key: Int32Array, keys: number): { order: Int32Array; starts: Int32Array } {
  const starts = new Int32Array(keys + 1);
  for (let i = 0; i < key.length; i++) starts[key[i] + 1]++;
  for (let k = 0; k < keys; k++) starts[k + 1] += starts[k];
  const fill = starts.slice(0, keys);
  const order = new Int32Array(key.length);
  for (let i = 0; i < key.length; i++) order[fill[key[i]]++] = i;
  return { order, starts };
}

/** Rows and columns of tiles, both ends included. */
export interface TileRange {
  r0: number;
  r1: number;
  c0: number;
  c1: number;
}

/**
 * The layout's box cut in `side` × `side` tiles. Items sorted by (group, tile) with bucketOrder lie in one
 * contiguous run per group and row of tiles, so what is on screen is drawn as a few ranges of a buffer.
 */
export class Tiles {
  readonly count: number;
  readonly w: number;
  readonly h: number;

  constructor(
    private readonly box: Box,
    readonly side: number,
  ) {
    this.count = side * side;
    this.w = Math.max(box.x1 - box.x0, 1) / side;
    this.h = Math.max(box.y1 - box.y0, 1) / side;
  }

  private clamp(i: number) {
    return Math.min(Math.max(i, 0), this.side - 1);
  }

  /** The tile of layout point (x, y) (points outside the box go to the nearest edge tile). */
  index(x: number, y: number): number {
    return this.clamp(Math.floor((y - this.box.y0) / this.h)) * this.side + this.clamp(Math.floor((x - this.box.x0) / this.w));
  }

  /** The tiles a layout box touches, grown by `grow` tiles each way; null when it misses the layout altogether. */
  range(b: Box, grow = 0): TileRange | null {
    if (b.x1 < this.box.x0 - grow * this.w || b.x0 > this.box.x1 + grow * this.w || b.y1 < this.box.y0 - grow * this.h || b.y0 > this.box.y1 + grow * this.h) return null;
    return {
      c0: this.clamp(Math.floor((b.x0 - this.box.x0) / this.w) - grow),
      c1: this.clamp(Math.floor((b.x1 - this.box.x0) / this.w) + grow),
      r0: this.clamp(Math.floor((b.y0 - this.box.y0) / this.h) - grow),
      r1: this.clamp(Math.floor((b.y1 - this.box.y0) / this.h) + grow),
    };
  }

  /**
   * Calls `run(start, end)` for the items in the tiles of `range`, given the `starts` of a bucketOrder whose
   * keys are base + tile (base: the group's first key, e.g. group × count); runs that follow one another are
   * merged.
   */
  forEachRun(starts: Int32Array, base: number, range: TileRange, run: (start: number, end: number) => void): void {
    let s = -1;
    let e = -1;
    for (let r = range.r0; r <= range.r1; r++) {
      const a = starts[base + r * this.side + range.c0];
      const b = starts[base + r * this.side + range.c1 + 1];
      if (b <= a) continue;
      if (a === e) e = b;
      else {
        if (e > s) run(s, e);
        s = a;
        e = b;
      }
    }
    if (e > s) run(s, e);
  }
}
