// Sigma programs for graphs of 100,000 nodes that stay fluid also on software WebGL (Chromium without a
// GPU, as in CI and on some office PCs):
// - sigma's disc and border node programs draw one instance per node, which software WebGL runs item by
//   item (a frame took seconds at 120,000 nodes); NodeRingPointProgram draws each node as one point,
//   with an optional ring in `borderColor` (a contact who became a case);
// - sigma uploads every program's whole vertex array on every frame (twice for nodes: picture and
//   picking image); these programs upload it only when its content changed, so moving the camera sends
//   nothing but a matrix;
// - the picking image (which node is under the pointer) is drawn only when asked for: on the first
//   pointer move or click after the view changed, never while the camera moves (lazyPicking);
// - links are not sigma edges but arrays drawn from one buffer (LinkLayerProgram), not while the camera
//   moves (sigma's own hideEdgesOnMove re-indexes the whole graph after every drag, a second at this
//   size), nor when zoomed out so far that a link is shorter than MIN_LINK_PX on screen: they would only
//   grey the discs over.
import type { Attributes } from 'graphology-types';
import type Sigma from 'sigma';
import { EdgeLineProgram, NodeProgram, type ProgramInfo } from 'sigma/rendering';
import type { NodeDisplayData, RenderParams } from 'sigma/types';
import { floatColor } from 'sigma/utils';
import { EDGE_COLOR, LINK_HIGHLIGHT, TRANSMISSION_COLOR, type GraphLinks } from './graphData.ts';

/**
 * True while a drag (the button held down: between two slow mouse moves sigma already calls it still), a
 * wheel zoom, a pinch or a camera animation is under way.
 */
export function cameraMoving(sigma: Sigma<any, any, any>): boolean {
  const mouse = sigma.getMouseCaptor();
  return (
    sigma.getCamera().isAnimated() || mouse.isMouseDown || mouse.isMoving || mouse.currentWheelDirection !== 0 || sigma.getTouchCaptor().isMoving
  );
}

/** Length, in layout units, of a case's link to a contact on its first ring (see graphLayout.ts). */
const LINK_UNITS = 2.6;
/** Below this length on screen, in pixels, links are left out. */
const MIN_LINK_PX = 2;

/** True when links are long enough on screen to be worth drawing (the graph attribute `extent` is the layout's size). */
export function linksVisible(sigma: Sigma<any, any, any>): boolean {
  const extent = Number(sigma.getGraph().getAttribute('extent')) || 1;
  return (sigma.getGraphToViewportRatio() / extent) * LINK_UNITS >= MIN_LINK_PX;
}

/**
 * Binds the program's buffer like sigma does, but sends the vertex array to the GPU only when it changed
 * since it was last sent to this buffer.
 */
class UploadTracker {
  private version = 1;
  private readonly sent = new WeakMap<ProgramInfo, number>();
  changed() {
    this.version++;
  }
  bind(program: ProgramInfo, array: Float32Array, bindAttributes: () => void) {
    const { gl, buffer } = program;
    gl.bindBuffer(gl.ARRAY_BUFFER, buffer);
    bindAttributes();
    if (this.sent.get(program) !== this.version) {
      gl.bufferData(gl.ARRAY_BUFFER, array, gl.DYNAMIC_DRAW);
      this.sent.set(program, this.version);
    }
    gl.bindBuffer(gl.ARRAY_BUFFER, null);
  }
}

const VERTEX_SHADER = /* glsl */ `
attribute vec4 a_id;
attribute vec4 a_color;
attribute vec4 a_borderColor;
attribute vec2 a_position;
attribute float a_size;

uniform float u_sizeRatio;
uniform float u_pixelRatio;
uniform mat3 u_matrix;

varying vec4 v_color;
varying vec4 v_borderColor;
varying float v_feather;

const float bias = 255.0 / 254.0;

void main() {
  gl_Position = vec4((u_matrix * vec3(a_position, 1)).xy, 0, 1);
  gl_PointSize = a_size / u_sizeRatio * u_pixelRatio * 2.0;
  v_feather = (0.5 / a_size) * u_sizeRatio;
  #ifdef PICKING_MODE
  v_color = a_id;
  v_borderColor = a_id;
  #else
  v_color = a_color;
  v_borderColor = a_borderColor;
  #endif
  v_color.a *= bias;
  v_borderColor.a *= bias;
}
`;

const FRAGMENT_SHADER = /* glsl */ `
precision mediump float;

varying vec4 v_color;
varying vec4 v_borderColor;
varying float v_feather;

// The ring is the outer 30 % of the radius (the point's radius is 0.5 in gl_PointCoord units).
const float ring = 0.15;
const vec4 transparent = vec4(0.0, 0.0, 0.0, 0.0);

void main(void) {
  float dist = 0.5 - length(gl_PointCoord - vec2(0.5, 0.5));
  #ifdef PICKING_MODE
  gl_FragColor = dist > v_feather ? v_color : transparent;
  #else
  float t = dist > v_feather ? 1.0 : (dist > 0.0 ? dist / v_feather : 0.0);
  gl_FragColor = mix(transparent, dist > ring ? v_color : v_borderColor, t);
  #endif
}
`;

const { UNSIGNED_BYTE, FLOAT } = WebGLRenderingContext;
const UNIFORMS = ['u_sizeRatio', 'u_pixelRatio', 'u_matrix'] as const;

/** The node programs of each sigma instance that draw a picking image, for lazyPicking. */
const pickers = new WeakMap<Sigma<any, any, any>, Set<NodeRingPointProgram<any, any, any>>>();

export class NodeRingPointProgram<
  N extends Attributes = Attributes,
  E extends Attributes = Attributes,
  G extends Attributes = Attributes,
> extends NodeProgram<(typeof UNIFORMS)[number], N, E, G> {
  private readonly uploads = new UploadTracker();

  constructor(gl: WebGLRenderingContext, pickingBuffer: WebGLFramebuffer | null, renderer: Sigma<N, E, G>) {
    super(gl, pickingBuffer, renderer);
    if (!this.pickProgram) return;
    let set = pickers.get(renderer);
    if (!set) pickers.set(renderer, (set = new Set()));
    set.add(this);
  }

  getDefinition() {
    return {
      VERTICES: 1,
      VERTEX_SHADER_SOURCE: VERTEX_SHADER,
      FRAGMENT_SHADER_SOURCE: FRAGMENT_SHADER,
      METHOD: WebGLRenderingContext.POINTS,
      UNIFORMS,
      ATTRIBUTES: [
        { name: 'a_position', size: 2, type: FLOAT },
        { name: 'a_size', size: 1, type: FLOAT },
        { name: 'a_color', size: 4, type: UNSIGNED_BYTE, normalized: true },
        { name: 'a_borderColor', size: 4, type: UNSIGNED_BYTE, normalized: true },
        { name: 'a_id', size: 4, type: UNSIGNED_BYTE, normalized: true },
      ],
    };
  }

  reallocate(capacity: number) {
    this.uploads.changed();
    super.reallocate(capacity);
  }

  process(nodeIndex: number, offset: number, data: NodeDisplayData) {
    this.uploads.changed();
    super.process(nodeIndex, offset, data);
  }

  processVisibleItem(nodeIndex: number, startIndex: number, data: NodeDisplayData & { borderColor?: string }) {
    const array = this.array;
    const color = floatColor(data.color);
    array[startIndex++] = data.x;
    array[startIndex++] = data.y;
    array[startIndex++] = data.size;
    array[startIndex++] = color;
    array[startIndex++] = data.borderColor ? floatColor(data.borderColor) : color;
    array[startIndex++] = nodeIndex;
  }

  protected bindProgram(program: ProgramInfo) {
    this.uploads.bind(program, this.array, () => {
      let offset = 0;
      for (const attr of this.ATTRIBUTES) offset += this.bindAttribute(attr, program, offset);
    });
  }

  setUniforms({ sizeRatio, pixelRatio, matrix }: RenderParams, { gl, uniformLocations }: ProgramInfo) {
    gl.uniform1f(uniformLocations.u_pixelRatio, pixelRatio);
    gl.uniform1f(uniformLocations.u_sizeRatio, sizeRatio);
    gl.uniformMatrix3fv(uniformLocations.u_matrix, false, matrix);
  }

  render(params: RenderParams) {
    // The picture only; the picking image is drawn on demand (renderPicking).
    const pick = this.pickProgram;
    this.pickProgram = null;
    try {
      super.render(params);
    } finally {
      this.pickProgram = pick;
    }
  }

  /** Draws the picking image (into sigma's picking frame buffer, which sigma clears on every render). */
  renderPicking(params: RenderParams) {
    const pick = this.pickProgram;
    if (!pick || this.hasNothingToRender()) return;
    const ratio = params.pixelRatio / params.downSizingRatio;
    pick.gl.viewport(0, 0, params.width * ratio, params.height * ratio);
    this.bindProgram(pick);
    this.renderProgram({ ...params, pixelRatio: ratio }, pick);
    this.unbindProgram(pick);
  }

  kill() {
    pickers.get(this.renderer)?.delete(this);
    super.kill();
  }
}

/**
 * Makes sigma draw the picking image of NodeRingPointProgram nodes only when it looks up the node under
 * the pointer, once per rendered view, and not look up anything while the camera moves (a look-up waits
 * for the GPU to finish the frame: with software WebGL that stalled every frame of a drag).
 */
export function lazyPicking(sigma: Sigma<any, any, any>) {
  let stale = true;
  sigma.on('afterRender', () => {
    stale = true;
  });
  // getNodeAtPosition is private in sigma's types; it is what hover, click and tap go through.
  const target = sigma as unknown as { getNodeAtPosition(position: { x: number; y: number }): string | null };
  const lookUp = target.getNodeAtPosition.bind(sigma);
  target.getNodeAtPosition = (position) => {
    if (cameraMoving(sigma)) return null;
    if (stale) {
      stale = false;
      const params = sigma.getRenderParams();
      for (const program of pickers.get(sigma) ?? []) program.renderPicking(params);
    }
    return lookUp(position);
  };
}

/** Links to draw in the highlight colour, per sigma instance (set by the component on hover). */
const highlighted = new WeakMap<Sigma<any, any, any>, number[]>();

export function highlightLinks(sigma: Sigma<any, any, any>, links: number[]) {
  highlighted.set(sigma, links);
}

/**
 * Draws the graph attribute `links` (GraphLinks) on sigma's edge layer from one buffer, built the first
 * time links are visible and again only after sigma re-indexes the nodes: the graph holds no edges, so
 * sigma itself has none to index, allocate or upload. Highlighted links are drawn on top, even when
 * zoomed out. Registered as the program of the (unused) default edge type.
 */
export class LinkLayerProgram<
  N extends Attributes = Attributes,
  E extends Attributes = Attributes,
  G extends Attributes = Attributes,
> extends EdgeLineProgram<N, E, G> {
  private readonly linkBuffer: WebGLBuffer | null;
  private readonly highlightBuffer: WebGLBuffer | null;
  private links: Float32Array | null = null;
  private linksSent = false;
  private readonly stale = () => {
    this.links = null;
  };

  constructor(gl: WebGLRenderingContext, pickingBuffer: WebGLFramebuffer | null, renderer: Sigma<N, E, G>) {
    super(gl, pickingBuffer, renderer);
    this.linkBuffer = gl.createBuffer();
    this.highlightBuffer = gl.createBuffer();
    renderer.on('afterProcess', this.stale);
  }

  /** Two vertices per link (x, y, colour, id), in sigma's normalised coordinates. */
  private vertices(indices: ArrayLike<number> | null, links: GraphLinks, colour?: number): Float32Array {
    const count = indices ? indices.length : links.source.length;
    const array = new Float32Array(count * 8);
    const normal = floatColor(EDGE_COLOR);
    const strong = floatColor(TRANSMISSION_COLOR);
    for (let k = 0, o = 0; k < count; k++) {
      const i = indices ? indices[k] : k;
      const a = this.renderer.getNodeDisplayData(links.keys[links.source[i]]);
      const b = this.renderer.getNodeDisplayData(links.keys[links.target[i]]);
      if (!a || !b) continue;
      const c = colour ?? (links.transmission[i] ? strong : normal);
      array[o++] = a.x;
      array[o++] = a.y;
      array[o++] = c;
      o++;
      array[o++] = b.x;
      array[o++] = b.y;
      array[o++] = c;
      o++;
    }
    return array;
  }

  private draw(params: RenderParams, buffer: WebGLBuffer | null, array: Float32Array, upload: boolean) {
    const info = this.normalProgram;
    const gl = info.gl;
    gl.viewport(0, 0, params.width * params.pixelRatio, params.height * params.pixelRatio);
    gl.bindBuffer(gl.ARRAY_BUFFER, buffer);
    let offset = 0;
    for (const attr of this.ATTRIBUTES) offset += this.bindAttribute(attr, info, offset);
    if (upload) gl.bufferData(gl.ARRAY_BUFFER, array, gl.STATIC_DRAW);
    gl.bindBuffer(gl.ARRAY_BUFFER, null);
    gl.enable(gl.BLEND);
    gl.useProgram(info.program);
    this.setUniforms(params, info);
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    gl.drawArrays(gl.LINES, 0, array.length / 4);
    this.unbindProgram(info);
  }

  reallocate() {
    // Sigma has no edges to give this program; it draws the graph attribute instead.
  }

  render(params: RenderParams) {
    const links = this.renderer.getGraph().getAttribute('links') as GraphLinks | undefined;
    if (!links || cameraMoving(this.renderer)) return;
    if (linksVisible(this.renderer)) {
      if (!this.links) {
        this.links = this.vertices(null, links);
        this.linksSent = false;
      }
      this.draw(params, this.linkBuffer, this.links, !this.linksSent);
      this.linksSent = true;
    }
    const lit = highlighted.get(this.renderer);
    if (lit?.length) this.draw(params, this.highlightBuffer, this.vertices(lit, links, floatColor(LINK_HIGHLIGHT)), true);
  }

  kill() {
    this.renderer.off('afterProcess', this.stale);
    const gl = this.normalProgram.gl;
    gl.deleteBuffer(this.linkBuffer);
    gl.deleteBuffer(this.highlightBuffer);
    super.kill();
  }
}
