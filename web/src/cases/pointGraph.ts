// The renderer of large transmission graphs (above SIGMA_UP_TO people: an outbreak of 20,000 cases and
// 100,000 contacts is 125,000 people), drawn straight from the GraphModel's typed arrays, so that it opens
// in a few seconds and pans and zooms smoothly even on software WebGL (Chromium without a GPU, as on test
// machines and some office PCs, where every point on screen costs about a microsecond):
// - no per-node objects: positions and sizes in one buffer and colours in another, uploaded once (colours
//   again when the colouring changes); links are index buffers into the same positions;
// - the camera is two uniforms; people and links are sorted by tile of the layout (and people by degree, so
//   cases are drawn over their contacts), and only the runs of tiles on screen are drawn;
// - when many people are on screen (zoomed out), the picture is drawn once into a texture a little larger
//   than the screen (or holding the whole graph) and moving the camera draws that texture, one quad; once
//   the camera rests, the picture is drawn again sharp at the new scale if it changed;
// - links are drawn only when zoomed in far enough for them to be longer than MIN_LINK_PX on screen;
// - the person under the pointer is found in a grid of the layout (graphView.ts), not read back from a
//   picking image; labels are drawn on a 2D canvas above, for the people on screen, once the camera rests.
import {
  EDGE_COLOR,
  LINK_HIGHLIGHT,
  NODE_SIZES,
  TRANSMISSION_COLOR,
  linksOf,
  nameLabel,
  nodeColourBytes,
  nodeSize,
  rgbBytes,
  type ColourBy,
  type GraphModel,
} from './graphData.ts';
import {
  between,
  bucketOrder,
  covers,
  FIT_PADDING,
  fitCamera,
  intersect,
  NodeGrid,
  panBy,
  radiusScale,
  toLayout,
  Tiles,
  toScreen,
  visibleBox,
  zoomAround,
  type Box,
  type Camera,
  type GraphViewHandle,
  type GraphViewOptions,
  type Viewport,
} from './graphView.ts';

/** Names asked for at once when zoomed in on a large graph (the server takes up to 2,000). */
const NAMES_PER_REQUEST = 1_000;

/**
 * A PointGraph with names on demand: large graphs come without names; the people on screen are named once
 * zoomed in far enough for labels (when there are few enough of them), and anyone pointed at or tapped.
 */
export function mountPointGraph(el: HTMLElement, model: GraphModel, options: GraphViewOptions): GraphViewHandle {
  const names: (string | undefined)[] = model.name ? model.name.slice() : new Array(model.n);
  const asked = new Uint8Array(model.n);
  const labelOf = (v: number) => (names[v] ? nameLabel(names[v]!, model.degree[v]) : `F${model.degree[v]}`);
  let killed = false;
  const nameSome = async (people: number[]) => {
    const fetchNames = options.fetchNames;
    const wanted = people.filter((v) => !asked[v] && !names[v]).slice(0, NAMES_PER_REQUEST);
    if (!fetchNames || !wanted.length) return;
    for (const v of wanted) asked[v] = 1;
    try {
      const got = await fetchNames(wanted.map((v) => model.person[v]));
      if (killed) return;
      for (const v of wanted) names[v] = got.get(model.person[v]);
      view.refreshLabels();
      options.onLabels?.();
    } catch {
      // Names are a help for reading; the graph works without them. Ask again next time.
      for (const v of wanted) asked[v] = 0;
    }
  };
  const view: PointGraph = new PointGraph(el, model, {
    colourBy: options.colourBy,
    onOpen: options.onOpen,
    onTap: (v) => {
      options.onTap(v);
      if (v !== null) void nameSome([v]);
    },
    onHover: (v) => void nameSome([v]),
    onLost: options.onLost,
    labelOf,
    onSettle: () => {
      if (!view.labelsShown()) return;
      const visible = view.visiblePeople(2 * NAMES_PER_REQUEST);
      if (visible) void nameSome(visible);
    },
  });
  return {
    setColourBy: (colourBy) => view.setColourBy(colourBy),
    move: (to) => view.move(to),
    labelOf,
    kill() {
      killed = true;
      view.kill();
    },
  };
}

export interface PointGraphOptions {
  colourBy: ColourBy;
  /** A click (or a second tap) on a person. */
  onOpen(v: number): void;
  /** A first tap on a person (touch), or null when the tap went to the background. */
  onTap(v: number | null): void;
  /** The label of node v (its name once known, else its degree). */
  labelOf(v: number): string;
  /** The camera came to rest (after a pan, a zoom, a resize, or at the start). */
  onSettle?(): void;
  /** The pointer came over node v. */
  onHover?(v: number): void;
  /** The WebGL context was lost. */
  onLost?(): void;
}

/** Zoomed out at most to a quarter of the fitted view; zoomed in at most to this many pixels per layout unit. */
const MIN_ZOOM = 0.25;
const MAX_SCALE = 40;
/** Length in layout units of a case's link to a contact on its first ring (see graphLayout.ts), and the on-screen length below which links are left out. */
const LINK_UNITS = 2.6;
const MIN_LINK_PX = 2;
/** Labels are drawn for people at least this large on screen (radius, pixels), at most this many. */
export const LABEL_PX = 7;
const MAX_LABELS = 2_000;
/** A press that moves less than this (pixels) is a click or a tap. */
const CLICK_SLOP = 5;
/** Reach around a person for a tap or a click, in pixels. */
const TOUCH_REACH = 12;
const MOUSE_REACH = 2;
/** The camera is at rest when nothing moved it for this long (ms). */
const SETTLE_MS = 120;
const ANIMATION_MS = 220;
const LABEL_FONT = "500 12px 'Be Vietnam Pro', system-ui, sans-serif";
/** Tiles per side of the layout for drawing only what is on screen, and degree classes (F3+, F2, F1, cases: drawn in that order). */
const TILES = 32;
const CLASSES = 4;
/** Up to this many people in the tiles on screen, every frame is drawn straight; above it, through the texture. */
const LIVE_UP_TO = 20_000;
/** The texture holds the screen and this share of its larger side on every side (within the graph), at most MAX_SNAPSHOT_PX a side. */
const SNAPSHOT_MARGIN = 0.5;
const MAX_SNAPSHOT_PX = 4096;

const NODE_VERTEX = /* glsl */ `
attribute vec2 a_position;
attribute float a_size;
attribute vec4 a_fill;
attribute vec4 a_ring;
uniform vec2 u_center;
uniform vec2 u_clip;
uniform float u_radius;
uniform float u_grow;
uniform vec4 u_colour;
varying vec4 v_fill;
varying vec4 v_ring;
varying float v_r;
void main() {
  gl_Position = vec4((a_position - u_center) * u_clip, 0.0, 1.0);
  v_r = a_size * u_radius * u_grow;
  gl_PointSize = 2.0 * v_r + 2.0;
  v_fill = u_colour.a > 0.0 ? u_colour : a_fill;
  v_ring = u_colour.a > 0.0 ? u_colour : a_ring;
}
`;

// A disc with a soft one-pixel edge; the outer 30 % of the radius in the ring colour.
const NODE_FRAGMENT = /* glsl */ `
precision mediump float;
varying vec4 v_fill;
varying vec4 v_ring;
varying float v_r;
void main() {
  float d = length(gl_PointCoord - vec2(0.5)) * (2.0 * v_r + 2.0);
  float a = clamp(v_r - d + 0.5, 0.0, 1.0);
  if (a <= 0.0) discard;
  vec4 c = d > v_r * 0.7 ? v_ring : v_fill;
  gl_FragColor = vec4(c.rgb, c.a * a);
}
`;

const LINK_VERTEX = /* glsl */ `
attribute vec2 a_position;
uniform vec2 u_center;
uniform vec2 u_clip;
void main() {
  gl_Position = vec4((a_position - u_center) * u_clip, 0.0, 1.0);
}
`;

const LINK_FRAGMENT = /* glsl */ `
precision mediump float;
uniform vec4 u_colour;
void main() {
  gl_FragColor = u_colour;
}
`;

// The picture in a texture (see the top of the file), on the layout box it shows.
const IMAGE_VERTEX = /* glsl */ `
attribute vec2 a_corner;
uniform vec2 u_center;
uniform vec2 u_clip;
uniform vec4 u_box;
varying vec2 v_uv;
void main() {
  gl_Position = vec4((mix(u_box.xy, u_box.zw, a_corner) - u_center) * u_clip, 0.0, 1.0);
  v_uv = a_corner;
}
`;

const IMAGE_FRAGMENT = /* glsl */ `
precision highp float;
uniform sampler2D u_image;
varying vec2 v_uv;
void main() {
  gl_FragColor = texture2D(u_image, v_uv);
}
`;

type GL = WebGLRenderingContext | WebGL2RenderingContext;

function compile(gl: GL, vertex: string, fragment: string): WebGLProgram {
  const program = gl.createProgram()!;
  for (const [type, source] of [
    [gl.VERTEX_SHADER, vertex],
    [gl.FRAGMENT_SHADER, fragment],
  ] as const) {
    const shader = gl.createShader(type)!;
    gl.shaderSource(shader, source);
    gl.compileShader(shader);
    if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS) && !gl.isContextLost()) throw new Error(`graph shader: ${gl.getShaderInfoLog(shader)}`);
    gl.attachShader(program, shader);
  }
  gl.linkProgram(program);
  if (!gl.getProgramParameter(program, gl.LINK_STATUS) && !gl.isContextLost()) throw new Error(`graph program: ${gl.getProgramInfoLog(program)}`);
  return program;
}

const colour = (hex: string, alpha = 1) => {
  const [r, g, b] = rgbBytes(hex);
  return [r / 255, g / 255, b / 255, alpha] as const;
};

/** Thrown when the browser gives no WebGL context (the component shows a message instead of the graph). */
export class NoWebGLError extends Error {}

export class PointGraph {
  private readonly canvas: HTMLCanvasElement;
  private readonly labels: HTMLCanvasElement;
  private readonly gl: GL;
  private readonly ctx: CanvasRenderingContext2D;
  private gridCache: NodeGrid | null = null;
  private readonly tiles: Tiles;
  /** Node index → its place in the drawing buffers (by degree class, deepest first, then tile). */
  private readonly drawRank: Int32Array;
  /** Where each (degree class, tile) starts in the node buffers, and each (link kind, tile) in the link index buffer. */
  private readonly nodeStarts: Int32Array;
  private readonly linkStarts: Int32Array;
  private readonly programs: Record<'node' | 'link' | 'image', { program: WebGLProgram; u: Record<string, WebGLUniformLocation | null>; a: Record<string, number> }>;
  private readonly positions: WebGLBuffer;
  private readonly colours: WebGLBuffer;
  private readonly linkIndex: WebGLBuffer;
  private readonly litLinkIndex: WebGLBuffer;
  private readonly litNodeIndex: WebGLBuffer;
  private readonly quad: WebGLBuffer;
  private litLinks = 0;
  private litNodes: number[] = [];
  /** The picture drawn into a texture, for moving the camera over many people (see the top of the file). */
  private snapshot: { texture: WebGLTexture; framebuffer: WebGLFramebuffer; width: number; height: number; box: Box; scale: number; ratio: number; colours: number } | null = null;
  private colourVersion = 0;
  private readonly maxSnapshot: number;

  private viewport: Viewport = { width: 0, height: 0 };
  private pixelRatio = 1;
  private camera: Camera = { cx: 0, cy: 0, scale: 1 };
  /** Set once the user pans or zooms. */
  private userMoved = false;
  private animation: { from: Camera; to: Camera; t0: number; duration: number } | null = null;
  private frame = 0;
  private settleTimer: number | undefined;
  private moving = false;
  private hovered = -1;
  private lastTap = -1;
  private readonly pointers = new Map<number, { x: number; y: number }>();
  private press: { x: number; y: number; moved: boolean; touch: boolean } | null = null;
  private pinch: { distance: number; x: number; y: number } | null = null;
  private hoverAt: { x: number; y: number } | null = null;
  private readonly resizeObserver: ResizeObserver;
  private readonly removeListeners: (() => void)[] = [];
  private killed = false;

  constructor(
    private readonly container: HTMLElement,
    private readonly model: GraphModel,
    private options: PointGraphOptions,
  ) {
    this.canvas = document.createElement('canvas');
    this.labels = document.createElement('canvas');
    for (const c of [this.canvas, this.labels]) {
      Object.assign(c.style, { position: 'absolute', inset: '0', width: '100%', height: '100%', display: 'block' });
      container.appendChild(c);
    }
    this.canvas.style.touchAction = 'none';
    // No grey or blue flash over the whole graph on each tap (mobile browsers' tap highlight).
    this.canvas.style.setProperty('-webkit-tap-highlight-color', 'transparent');
    this.canvas.style.userSelect = 'none';
    this.labels.style.pointerEvents = 'none';
    const attributes: WebGLContextAttributes = { alpha: false, antialias: false, depth: false, stencil: false, premultipliedAlpha: false };
    let gl: GL | null = this.canvas.getContext('webgl2', attributes);
    if (!gl) {
      gl = this.canvas.getContext('webgl', attributes);
      if (gl && !gl.getExtension('OES_element_index_uint')) gl = null;
    }
    if (!gl) {
      this.canvas.remove();
      this.labels.remove();
      throw new NoWebGLError('WebGL is not available');
    }
    this.gl = gl;
    this.ctx = this.labels.getContext('2d')!;
    this.maxSnapshot = Math.min(gl.getParameter(gl.MAX_TEXTURE_SIZE) as number, MAX_SNAPSHOT_PX);
    const make = (vertex: string, fragment: string, uniforms: string[], attribs: string[]) => {
      const program = compile(gl!, vertex, fragment);
      return {
        program,
        u: Object.fromEntries(uniforms.map((name) => [name, gl!.getUniformLocation(program, name)])),
        a: Object.fromEntries(attribs.map((name) => [name, gl!.getAttribLocation(program, name)])),
      };
    };
    this.programs = {
      node: make(NODE_VERTEX, NODE_FRAGMENT, ['u_center', 'u_clip', 'u_radius', 'u_grow', 'u_colour'], ['a_position', 'a_size', 'a_fill', 'a_ring']),
      link: make(LINK_VERTEX, LINK_FRAGMENT, ['u_center', 'u_clip', 'u_colour'], ['a_position']),
      image: make(IMAGE_VERTEX, IMAGE_FRAGMENT, ['u_center', 'u_clip', 'u_box', 'u_image'], ['a_corner']),
    };

    const { n, x, y, degree } = model;
    this.tiles = new Tiles(model.box, TILES);
    const T = this.tiles.count;
    const nodeKey = new Int32Array(n);
    for (let v = 0; v < n; v++) nodeKey[v] = (CLASSES - 1 - Math.min(degree[v], CLASSES - 1)) * T + this.tiles.index(x[v], y[v]);
    const nodes = bucketOrder(nodeKey, CLASSES * T);
    this.nodeStarts = nodes.starts;
    this.drawRank = new Int32Array(n);
    for (let k = 0; k < n; k++) this.drawRank[nodes.order[k]] = k;

    // Positions and sizes in drawing order, sent once.
    const xys = new Float32Array(n * 3);
    for (let k = 0; k < n; k++) {
      const v = nodes.order[k];
      xys[3 * k] = x[v];
      xys[3 * k + 1] = y[v];
      xys[3 * k + 2] = nodeSize(degree[v]);
    }
    this.positions = gl.createBuffer()!;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.positions);
    gl.bufferData(gl.ARRAY_BUFFER, xys, gl.STATIC_DRAW);
    this.colours = gl.createBuffer()!;
    this.uploadColours();

    // Links by kind (normal, then transmissions drawn over them) and tile of their source; links longer
    // than half a tile go to a last bucket of their kind, drawn whenever links are.
    const { source, target, transmission } = model.links;
    const m = source.length;
    const linkKey = new Int32Array(m);
    for (let j = 0; j < m; j++) {
      const s = source[j];
      const t = target[j];
      const long = Math.abs(x[s] - x[t]) > this.tiles.w / 2 || Math.abs(y[s] - y[t]) > this.tiles.h / 2;
      linkKey[j] = transmission[j] * (T + 1) + (long ? T : this.tiles.index(x[s], y[s]));
    }
    const links = bucketOrder(linkKey, 2 * (T + 1));
    this.linkStarts = links.starts;
    const pairs = new Uint32Array(2 * m);
    for (let k = 0; k < m; k++) {
      const j = links.order[k];
      pairs[2 * k] = this.drawRank[source[j]];
      pairs[2 * k + 1] = this.drawRank[target[j]];
    }
    this.linkIndex = gl.createBuffer()!;
    gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, this.linkIndex);
    gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, pairs, gl.STATIC_DRAW);
    this.litLinkIndex = gl.createBuffer()!;
    this.litNodeIndex = gl.createBuffer()!;
    this.quad = gl.createBuffer()!;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.quad);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([0, 0, 1, 0, 0, 1, 1, 1]), gl.STATIC_DRAW);

    this.listen();
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(container);
    this.resize();
  }

  setColourBy(colourBy: ColourBy) {
    if (colourBy === this.options.colourBy) return;
    this.options = { ...this.options, colourBy };
    this.uploadColours();
    this.render();
  }

  /** Shows node v and its links lit (or nothing when -1). */
  highlight(v: number) {
    if (v === this.hovered) return;
    this.hovered = v;
    const gl = this.gl;
    this.litNodes = [];
    this.litLinks = 0;
    if (v >= 0) {
      const lit = linksOf(this.model.links, v);
      const pairs = new Uint32Array(2 * lit.length);
      const nodes = new Set<number>([v]);
      lit.forEach((j, k) => {
        const s = this.model.links.source[j];
        const t = this.model.links.target[j];
        pairs[2 * k] = this.drawRank[s];
        pairs[2 * k + 1] = this.drawRank[t];
        nodes.add(s === v ? t : s);
      });
      this.litLinks = lit.length;
      gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, this.litLinkIndex);
      gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, pairs, gl.DYNAMIC_DRAW);
      // The neighbours, then the person, drawn over everything else.
      nodes.delete(v);
      this.litNodes = [...nodes, v];
      gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, this.litNodeIndex);
      gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, new Uint32Array(this.litNodes.map((w) => this.drawRank[w])), gl.DYNAMIC_DRAW);
    }
    this.canvas.style.cursor = v >= 0 ? 'pointer' : '';
    if (v >= 0) this.options.onHover?.(v);
    this.render();
    if (!this.moving) this.drawLabels();
  }

  /** Zoom in or out around the centre, or back to the whole graph, animated. */
  move(to: 'in' | 'out' | 'reset') {
    const target = this.animation?.to ?? this.camera;
    if (to === 'reset') {
      this.animateTo(this.fit(), ANIMATION_MS);
      this.userMoved = false;
    } else this.animateTo(this.zoomed(target, to === 'in' ? 1.5 : 1 / 1.5, this.viewport.width / 2, this.viewport.height / 2), ANIMATION_MS);
  }

  /** The people on screen, or null when there are more than `limit`. */
  visiblePeople(limit: number): number[] | null {
    const out: number[] = [];
    let over = false;
    this.grid.forEachIn(visibleBox(this.camera, this.viewport), (v) => {
      if (out.length >= limit) {
        over = true;
        return false;
      }
      out.push(v);
    });
    return over ? null : out;
  }

  /** True when people are large enough on screen to be labelled (then naming them is worth it). */
  labelsShown(): boolean {
    return NODE_SIZES[0] * radiusScale(this.camera) >= LABEL_PX;
  }

  /** Labels changed (names arrived): draw them again. */
  refreshLabels() {
    if (!this.moving) this.drawLabels();
  }

  kill() {
    this.killed = true;
    cancelAnimationFrame(this.frame);
    window.clearTimeout(this.settleTimer);
    this.resizeObserver.disconnect();
    for (const off of this.removeListeners) off();
    const gl = this.gl;
    this.dropSnapshot();
    for (const b of [this.positions, this.colours, this.linkIndex, this.litLinkIndex, this.litNodeIndex, this.quad]) gl.deleteBuffer(b);
    for (const p of Object.values(this.programs)) gl.deleteProgram(p.program);
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    this.canvas.remove();
    this.labels.remove();
  }

  /** The grid of the layout for picking and for the people on screen, made the first time it is needed. */
  private get grid(): NodeGrid {
    return (this.gridCache ??= new NodeGrid(this.model.x, this.model.y, this.model.box));
  }

  // ---- drawing

  private uploadColours() {
    const { model, gl } = this;
    const { fill, ring } = nodeColourBytes(model, this.options.colourBy);
    // Fill then ring, 4 bytes each, in drawing order (as 32-bit words: no per-node objects).
    const fills = new Uint32Array(fill.buffer);
    const rings = new Uint32Array(ring.buffer);
    const order = new Uint32Array(model.n * 2);
    for (let v = 0; v < model.n; v++) {
      const o = 2 * this.drawRank[v];
      order[o] = fills[v];
      order[o + 1] = rings[v];
    }
    gl.bindBuffer(gl.ARRAY_BUFFER, this.colours);
    gl.bufferData(gl.ARRAY_BUFFER, order, gl.STATIC_DRAW);
    this.colourVersion++;
  }

  private fit(): Camera {
    return fitCamera(this.model.box, this.viewport, FIT_PADDING);
  }

  private zoomed(from: Camera, factor: number, sx: number, sy: number): Camera {
    const fitScale = this.fit().scale;
    return zoomAround(from, this.viewport, factor, sx, sy, fitScale * MIN_ZOOM, Math.max(MAX_SCALE, fitScale));
  }

  private resize() {
    const width = this.container.clientWidth;
    const height = this.container.clientHeight;
    const ratio = Math.min(window.devicePixelRatio || 1, 2);
    if (width === this.viewport.width && height === this.viewport.height && ratio === this.pixelRatio) return;
    this.viewport = { width, height };
    this.pixelRatio = ratio;
    for (const c of [this.canvas, this.labels]) {
      c.width = Math.max(1, Math.round(width * ratio));
      c.height = Math.max(1, Math.round(height * ratio));
    }
    // Until the user moves the camera, the whole graph stays fitted to the view.
    if (!this.userMoved && width > 0 && height > 0) this.camera = this.fit();
    // A resized canvas is blank: draw now rather than on the next frame.
    this.render();
    this.settleSoon();
  }

  /** Draws a frame now (and keeps animating while a camera animation runs). */
  private render() {
    if (this.killed) return;
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    const now = performance.now();
    if (this.animation) {
      const { from, to, t0, duration } = this.animation;
      const t = Math.min(1, (now - t0) / duration);
      this.camera = between(from, to, 1 - (1 - t) * (1 - t));
      if (t >= 1) this.animation = null;
      else this.frame = requestAnimationFrame(() => this.render());
    }
    this.draw();
  }

  private scheduleRender() {
    if (!this.frame && !this.killed) this.frame = requestAnimationFrame(() => this.render());
  }

  /** The layout box that `camera` shows on the viewport, grown by the largest disc so that people half on screen count. */
  private onScreen(camera: Camera): Box {
    return visibleBox(camera, this.viewport, NODE_SIZES[0] * radiusScale(camera) + 1);
  }

  /** People drawn for `camera` (those in the tiles on screen). */
  private drawnCount(camera: Camera): number {
    const range = this.tiles.range(this.onScreen(camera));
    if (!range) return 0;
    let count = 0;
    for (let c = 0; c < CLASSES; c++) this.tiles.forEachRun(this.nodeStarts, c * this.tiles.count, range, (s, e) => (count += e - s));
    return count;
  }

  private draw() {
    const { gl, camera, viewport } = this;
    if (!viewport.width || !viewport.height) return;
    const target = { framebuffer: null, width: this.canvas.width, height: this.canvas.height };
    if (!this.model.n || this.drawnCount(camera) <= LIVE_UP_TO || target.width > this.maxSnapshot || target.height > this.maxSnapshot) {
      this.drawScene(camera, viewport, target, this.onScreen(camera));
      this.drawLit(camera, viewport);
      return;
    }
    // Many people on screen: through the picture in a texture. Moving, any picture that covers the screen
    // at about this scale will do; at rest, it must be exact.
    const snap = this.snapshot;
    const usable =
      snap &&
      snap.colours === this.colourVersion &&
      covers(snap.box, intersect(this.onScreen(camera), this.graphBox(camera))) &&
      (this.moving ? snap.scale / camera.scale < 4 && camera.scale / snap.scale < 4 : snap.scale === camera.scale && snap.ratio === this.pixelRatio);
    if (!usable) this.takeSnapshot();
    const s = this.snapshot!;
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    gl.viewport(0, 0, target.width, target.height);
    gl.disable(gl.BLEND);
    const p = this.programs.image;
    gl.useProgram(p.program);
    this.setCamera(p, camera, viewport);
    gl.uniform4f(p.u.u_box, s.box.x0, s.box.y0, s.box.x1, s.box.y1);
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, s.texture);
    gl.uniform1i(p.u.u_image, 0);
    // Outside the picture (only while moving): the background.
    gl.clearColor(1, 1, 1, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    this.useAttributes(p.a.a_corner);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.quad);
    gl.vertexAttribPointer(p.a.a_corner, 2, gl.FLOAT, false, 0, 0);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    this.drawLit(camera, viewport);
  }

  /** The graph's box grown by the largest disc, in layout units, for `camera`. */
  private graphBox(camera: Camera): Box {
    const grow = (NODE_SIZES[0] * radiusScale(camera) + 2) / camera.scale;
    const b = this.model.box;
    return { x0: b.x0 - grow, x1: b.x1 + grow, y0: b.y0 - grow, y1: b.y1 + grow };
  }

  /**
   * Draws the picture for the current camera into a texture: the screen and SNAPSHOT_MARGIN of it on every
   * side (as far as the graph goes), whole device pixels aligned with the screen's so that at rest it is
   * the same picture as one drawn straight.
   */
  private takeSnapshot() {
    const { gl, camera, viewport, pixelRatio } = this;
    const max = this.maxSnapshot;
    const ratio = pixelRatio;
    // The region in device pixels relative to the screen's top left corner.
    const wanted = intersect(visibleBox(camera, viewport, SNAPSHOT_MARGIN * Math.max(viewport.width, viewport.height)), this.graphBox(camera));
    const screenBox = visibleBox(camera, viewport);
    let left = Math.floor((wanted.x0 - screenBox.x0) * camera.scale * ratio);
    let right = Math.ceil((wanted.x1 - screenBox.x0) * camera.scale * ratio);
    let top = Math.floor((screenBox.y1 - wanted.y1) * camera.scale * ratio);
    let bottom = Math.ceil((screenBox.y1 - wanted.y0) * camera.scale * ratio);
    // Too large for a texture: keep the screen and share out what is left.
    const shrink = (a: number, b: number, size: number): [number, number] => {
      if (b - a <= max) return [a, b];
      const extra = Math.max(0, max - size);
      const lo = Math.max(a, -Math.floor(extra / 2));
      return [lo, Math.min(b, lo + max)];
    };
    [left, right] = shrink(left, right, this.canvas.width);
    [top, bottom] = shrink(top, bottom, this.canvas.height);
    const width = Math.max(1, right - left);
    const height = Math.max(1, bottom - top);
    const box: Box = {
      x0: screenBox.x0 + left / (camera.scale * ratio),
      x1: screenBox.x0 + right / (camera.scale * ratio),
      y1: screenBox.y1 - top / (camera.scale * ratio),
      y0: screenBox.y1 - bottom / (camera.scale * ratio),
    };
    let snap = this.snapshot;
    if (!snap || snap.width !== width || snap.height !== height) {
      this.dropSnapshot();
      const texture = gl.createTexture()!;
      gl.bindTexture(gl.TEXTURE_2D, texture);
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, width, height, 0, gl.RGBA, gl.UNSIGNED_BYTE, null);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
      const framebuffer = gl.createFramebuffer()!;
      gl.bindFramebuffer(gl.FRAMEBUFFER, framebuffer);
      gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, texture, 0);
      snap = { texture, framebuffer, width, height, box, scale: camera.scale, ratio, colours: this.colourVersion };
    }
    snap.box = box;
    snap.scale = camera.scale;
    snap.ratio = ratio;
    snap.colours = this.colourVersion;
    this.snapshot = snap;
    const region: Camera = { cx: (box.x0 + box.x1) / 2, cy: (box.y0 + box.y1) / 2, scale: camera.scale };
    this.drawScene(region, { width: width / ratio, height: height / ratio }, { framebuffer: snap.framebuffer, width, height }, box);
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
  }

  private dropSnapshot() {
    if (!this.snapshot) return;
    this.gl.deleteFramebuffer(this.snapshot.framebuffer);
    this.gl.deleteTexture(this.snapshot.texture);
    this.snapshot = null;
  }

  private setCamera(p: { u: Record<string, WebGLUniformLocation | null> }, camera: Camera, viewport: Viewport) {
    this.gl.uniform2f(p.u.u_center, camera.cx, camera.cy);
    this.gl.uniform2f(p.u.u_clip, (2 * camera.scale) / viewport.width, (2 * camera.scale) / viewport.height);
  }

  /** Links (when long enough on screen to be seen) and people of the tiles that `box` touches. */
  private drawScene(camera: Camera, viewport: Viewport, target: { framebuffer: WebGLFramebuffer | null; width: number; height: number }, box: Box) {
    const { gl, tiles } = this;
    gl.bindFramebuffer(gl.FRAMEBUFFER, target.framebuffer);
    gl.viewport(0, 0, target.width, target.height);
    gl.clearColor(1, 1, 1, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    if (!this.model.n) return;
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA);
    if (LINK_UNITS * camera.scale >= MIN_LINK_PX) {
      const p = this.programs.link;
      gl.useProgram(p.program);
      this.setCamera(p, camera, viewport);
      this.bindNodes(p, false);
      gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, this.linkIndex);
      // A link is filed under its source's tile: look one tile further each way.
      const range = tiles.range(box, 1);
      for (const kind of [0, 1]) {
        gl.uniform4f(p.u.u_colour, ...colour(kind ? TRANSMISSION_COLOR : EDGE_COLOR));
        const draw = (s: number, e: number) => gl.drawElements(gl.LINES, 2 * (e - s), gl.UNSIGNED_INT, 8 * s);
        if (range) tiles.forEachRun(this.linkStarts, kind * (tiles.count + 1), range, draw);
        const long = kind * (tiles.count + 1) + tiles.count;
        if (this.linkStarts[long + 1] > this.linkStarts[long]) draw(this.linkStarts[long], this.linkStarts[long + 1]);
      }
    }
    const range = tiles.range(box);
    if (!range) return;
    const p = this.programs.node;
    gl.useProgram(p.program);
    this.setCamera(p, camera, viewport);
    gl.uniform1f(p.u.u_radius, radiusScale(camera) * (target.width / viewport.width));
    gl.uniform1f(p.u.u_grow, 1);
    gl.uniform4f(p.u.u_colour, 0, 0, 0, 0);
    this.bindNodes(p, true);
    for (let c = 0; c < CLASSES; c++) tiles.forEachRun(this.nodeStarts, c * tiles.count, range, (s, e) => gl.drawArrays(gl.POINTS, s, e - s));
  }

  /** The lit person's links and neighbours over the picture, the person over a dark halo. */
  private drawLit(camera: Camera, viewport: Viewport) {
    if (!this.litNodes.length) return;
    const gl = this.gl;
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    gl.viewport(0, 0, this.canvas.width, this.canvas.height);
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA);
    if (this.litLinks) {
      const p = this.programs.link;
      gl.useProgram(p.program);
      this.setCamera(p, camera, viewport);
      this.bindNodes(p, false);
      gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, this.litLinkIndex);
      gl.uniform4f(p.u.u_colour, ...colour(LINK_HIGHLIGHT));
      gl.drawElements(gl.LINES, 2 * this.litLinks, gl.UNSIGNED_INT, 0);
    }
    const p = this.programs.node;
    gl.useProgram(p.program);
    this.setCamera(p, camera, viewport);
    gl.uniform1f(p.u.u_radius, radiusScale(camera) * this.pixelRatio);
    this.bindNodes(p, true);
    gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, this.litNodeIndex);
    gl.uniform1f(p.u.u_grow, 1.45);
    gl.uniform4f(p.u.u_colour, ...colour(LINK_HIGHLIGHT));
    gl.drawElements(gl.POINTS, 1, gl.UNSIGNED_INT, 4 * (this.litNodes.length - 1));
    gl.uniform1f(p.u.u_grow, 1);
    gl.uniform4f(p.u.u_colour, 0, 0, 0, 0);
    gl.drawElements(gl.POINTS, this.litNodes.length, gl.UNSIGNED_INT, 0);
  }

  /** Enables exactly the attribute arrays in `locations`. */
  private useAttributes(...locations: number[]) {
    const gl = this.gl;
    for (let a = 0; a < 4; a++) if (!locations.includes(a)) gl.disableVertexAttribArray(a);
    for (const a of locations) if (a >= 0) gl.enableVertexAttribArray(a);
  }

  private bindNodes(p: { a: Record<string, number> }, withColours: boolean) {
    const gl = this.gl;
    const { a_position, a_size, a_fill, a_ring } = p.a;
    if (!withColours) {
      this.useAttributes(a_position);
      gl.bindBuffer(gl.ARRAY_BUFFER, this.positions);
      gl.vertexAttribPointer(a_position, 2, gl.FLOAT, false, 12, 0);
      return;
    }
    this.useAttributes(a_position, a_size, a_fill, a_ring);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.positions);
    gl.vertexAttribPointer(a_position, 2, gl.FLOAT, false, 12, 0);
    gl.vertexAttribPointer(a_size, 1, gl.FLOAT, false, 12, 8);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.colours);
    gl.vertexAttribPointer(a_fill, 4, gl.UNSIGNED_BYTE, true, 8, 0);
    gl.vertexAttribPointer(a_ring, 4, gl.UNSIGNED_BYTE, true, 8, 4);
  }

  /** Labels of the people on screen large enough to be read, then boxed labels of the lit people. */
  private drawLabels() {
    const { ctx, camera, viewport, pixelRatio, model } = this;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.labels.width, this.labels.height);
    if (!model.n) return;
    ctx.setTransform(pixelRatio, 0, 0, pixelRatio, 0, 0);
    ctx.font = LABEL_FONT;
    ctx.textBaseline = 'middle';
    const scale = radiusScale(camera);
    const lit = new Set(this.litNodes);
    if (this.labelsShown()) {
      // Cases first, then F1, F2 …: where labels would overlap, the earlier one wins (a grid of 8-pixel cells).
      const candidates: number[] = [];
      this.grid.forEachIn(visibleBox(camera, viewport), (v) => {
        if (nodeSize(model.degree[v]) * scale >= LABEL_PX && !lit.has(v)) candidates.push(v);
        return candidates.length < 4 * MAX_LABELS;
      });
      candidates.sort((a, b) => model.degree[a] - model.degree[b] || a - b);
      const CELL = 8;
      const cols = Math.ceil(viewport.width / CELL) + 1;
      const taken = new Uint8Array(cols * (Math.ceil(viewport.height / CELL) + 1));
      ctx.fillStyle = '#212529';
      // A white edge round the letters keeps a label readable over the discs and links it crosses.
      ctx.strokeStyle = 'rgba(255, 255, 255, 0.85)';
      ctx.lineWidth = 3;
      ctx.lineJoin = 'round';
      let drawn = 0;
      for (const v of candidates) {
        if (drawn >= MAX_LABELS) break;
        const [sx, sy] = toScreen(camera, viewport, model.x[v], model.y[v]);
        const text = this.options.labelOf(v);
        const x = sx + nodeSize(model.degree[v]) * scale + 3;
        const w = ctx.measureText(text).width;
        const c0 = Math.max(0, Math.floor(x / CELL));
        const c1 = Math.min(cols - 1, Math.floor((x + w) / CELL));
        const r0 = Math.max(0, Math.floor((sy - 7) / CELL));
        const r1 = Math.floor((sy + 7) / CELL);
        let free = x + w > 0 && x < viewport.width && sy + 7 > 0 && sy - 7 < viewport.height;
        for (let r = r0; free && r <= r1; r++) for (let c = c0; free && c <= c1; c++) if (taken[r * cols + c]) free = false;
        if (!free) continue;
        for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) taken[r * cols + c] = 1;
        ctx.strokeText(text, x, sy);
        ctx.fillText(text, x, sy);
        drawn++;
      }
    }
    // The lit people: their labels in white boxes, whatever the zoom — the person pointed at first, then
    // those linked to them where a box still fits.
    const boxes: [number, number, number, number][] = [];
    for (const v of this.litNodes.slice(-60).reverse()) {
      const [sx, sy] = toScreen(camera, viewport, model.x[v], model.y[v]);
      const text = this.options.labelOf(v);
      const x = sx + nodeSize(model.degree[v]) * scale + 4;
      const w = ctx.measureText(text).width;
      const box: [number, number, number, number] = [x - 4, sy - 10, x + w + 4, sy + 10];
      if (boxes.some((b) => box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3])) continue;
      boxes.push(box);
      ctx.shadowColor = 'rgba(0, 0, 0, 0.25)';
      ctx.shadowBlur = 4;
      ctx.fillStyle = '#fff';
      ctx.beginPath();
      ctx.roundRect(x - 4, sy - 10, w + 8, 20, 4);
      ctx.fill();
      ctx.shadowColor = 'transparent';
      ctx.fillStyle = '#212529';
      ctx.fillText(text, x, sy);
    }
  }

  private clearLabels() {
    this.ctx.setTransform(1, 0, 0, 1, 0, 0);
    this.ctx.clearRect(0, 0, this.labels.width, this.labels.height);
  }

  // ---- camera

  private animateTo(to: Camera, duration: number) {
    this.animation = { from: this.camera, to, t0: performance.now(), duration };
    this.startMoving();
    this.scheduleRender();
    this.settleSoon(duration);
  }

  private startMoving() {
    this.userMoved = true;
    if (!this.moving) {
      this.moving = true;
      this.clearLabels();
    }
    window.clearTimeout(this.settleTimer);
  }

  private settleSoon(after = 0) {
    window.clearTimeout(this.settleTimer);
    this.settleTimer = window.setTimeout(() => {
      if (this.animation) return this.settleSoon();
      this.moving = false;
      // At rest: the picture sharp at this scale, then the labels.
      this.render();
      this.drawLabels();
      this.options.onSettle?.();
    }, after + SETTLE_MS);
  }

  // ---- pointer, wheel and touch

  private listen() {
    const el = this.canvas;
    const on = <K extends keyof HTMLElementEventMap>(type: K, fn: (e: HTMLElementEventMap[K]) => void, opts?: AddEventListenerOptions) => {
      el.addEventListener(type, fn as EventListener, opts);
      this.removeListeners.push(() => el.removeEventListener(type, fn as EventListener, opts));
    };
    const local = (e: { clientX: number; clientY: number }) => {
      const r = el.getBoundingClientRect();
      return { x: e.clientX - r.left, y: e.clientY - r.top };
    };
    on('pointerdown', (e) => {
      if (e.button !== 0 && e.pointerType === 'mouse') return;
      el.setPointerCapture?.(e.pointerId);
      const p = local(e);
      this.pointers.set(e.pointerId, p);
      this.animation = null;
      if (this.pointers.size === 1) this.press = { ...p, moved: false, touch: e.pointerType !== 'mouse' };
      else if (this.pointers.size === 2) {
        const [a, b] = [...this.pointers.values()];
        this.pinch = { distance: Math.hypot(a.x - b.x, a.y - b.y), x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
        if (this.press) this.press.moved = true;
      }
    });
    on('pointermove', (e) => {
      const p = local(e);
      const before = this.pointers.get(e.pointerId);
      if (!before) {
        if (e.pointerType === 'mouse') this.hoverSoon(p);
        return;
      }
      this.pointers.set(e.pointerId, p);
      if (this.pinch && this.pointers.size >= 2) {
        const [a, b] = [...this.pointers.values()];
        const distance = Math.hypot(a.x - b.x, a.y - b.y);
        const x = (a.x + b.x) / 2;
        const y = (a.y + b.y) / 2;
        const moved = panBy(this.camera, x - this.pinch.x, y - this.pinch.y);
        this.camera = this.zoomed(moved, distance / Math.max(this.pinch.distance, 1), x, y);
        this.pinch = { distance, x, y };
        this.startMoving();
        this.scheduleRender();
        this.settleSoon();
        return;
      }
      const press = this.press;
      if (!press) return;
      if (!press.moved && Math.hypot(p.x - press.x, p.y - press.y) < CLICK_SLOP) return;
      if (!press.moved) {
        press.moved = true;
        this.highlightIfMouse(-1);
      }
      this.camera = panBy(this.camera, p.x - before.x, p.y - before.y);
      this.startMoving();
      this.scheduleRender();
      this.settleSoon();
    });
    const release = (e: PointerEvent, cancelled: boolean) => {
      if (!this.pointers.delete(e.pointerId)) return;
      const press = this.press;
      if (this.pointers.size < 2) this.pinch = null;
      if (this.pointers.size > 0) return;
      this.press = null;
      if (press && !press.moved && !cancelled) this.tap(local(e), press.touch);
      else this.settleSoon();
    };
    on('pointerup', (e) => release(e, false));
    on('pointercancel', (e) => release(e, true));
    on('pointerleave', (e) => {
      if (e.pointerType === 'mouse' && !this.pointers.size) {
        this.hoverAt = null;
        this.highlight(-1);
      }
    });
    on(
      'wheel',
      (e) => {
        e.preventDefault();
        const p = local(e);
        const lines = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? this.viewport.height : 1;
        const factor = Math.pow(2, Math.max(-1.5, Math.min(1.5, (-e.deltaY * lines) / 200)));
        this.highlightIfMouse(-1);
        this.animateTo(this.zoomed(this.animation?.to ?? this.camera, factor, p.x, p.y), ANIMATION_MS);
      },
      { passive: false },
    );
    on('dblclick', (e) => {
      const p = local(e);
      if (this.nodeAt(p, false) >= 0) return;
      this.animateTo(this.zoomed(this.animation?.to ?? this.camera, 2, p.x, p.y), ANIMATION_MS);
    });
    on('contextmenu', (e) => e.preventDefault());
    on('webglcontextlost' as keyof HTMLElementEventMap, (e) => {
      e.preventDefault();
      this.options.onLost?.();
    });
  }

  private highlightIfMouse(v: number) {
    if (this.lastTap < 0) this.highlight(v);
  }

  /** The person under pixel p (CSS pixels in the viewport), or -1. */
  private nodeAt(p: { x: number; y: number }, touch: boolean): number {
    const [x, y] = toLayout(this.camera, this.viewport, p.x, p.y);
    const perUnit = radiusScale(this.camera) / this.camera.scale;
    return this.grid.pick(x, y, (v) => nodeSize(this.model.degree[v]) * perUnit, NODE_SIZES[0] * perUnit, (touch ? TOUCH_REACH : MOUSE_REACH) / this.camera.scale, this.drawRank);
  }

  private hoverSoon(p: { x: number; y: number }) {
    const first = this.hoverAt === null;
    this.hoverAt = p;
    if (!first || this.moving) return;
    requestAnimationFrame(() => {
      const at = this.hoverAt;
      this.hoverAt = null;
      if (!at || this.killed || this.moving || this.pointers.size) return;
      this.highlightIfMouse(this.nodeAt(at, false));
    });
  }

  private tap(p: { x: number; y: number }, touch: boolean) {
    const v = this.nodeAt(p, touch);
    this.settleSoon();
    if (v < 0) {
      this.lastTap = -1;
      this.highlight(-1);
      this.options.onTap(null);
      return;
    }
    if (touch && this.lastTap !== v) {
      // First tap: who it is; a second tap on them opens the person.
      this.lastTap = v;
      this.highlight(v);
      this.options.onTap(v);
      return;
    }
    this.lastTap = -1;
    this.options.onOpen(v);
  }
}
