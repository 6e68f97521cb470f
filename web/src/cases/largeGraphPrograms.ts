// Sigma programs for graphs of 100,000 nodes that stay fluid also on software WebGL (Chromium without a
// GPU, as in CI and on some office PCs):
// - sigma's disc and border node programs draw one instance per node, which software WebGL runs item by
//   item (a frame took seconds at 120,000 nodes); NodeRingPointProgram draws each node as one point,
//   with an optional ring in `borderColor` (a contact who became a case);
// - while the camera moves, nodes skip the hidden picking pass and edges are not drawn at all
//   (sigma's own hideEdgesOnMove re-indexes the whole graph after every drag, a second at this size).
import type { Attributes } from 'graphology-types';
import type Sigma from 'sigma';
import { EdgeLineProgram, NodeProgram, type ProgramInfo } from 'sigma/rendering';
import type { NodeDisplayData, RenderParams } from 'sigma/types';
import { floatColor } from 'sigma/utils';

/** True while a drag, a wheel zoom, a pinch or a camera animation is under way. */
export function cameraMoving(sigma: Sigma<any, any, any>): boolean {
  const mouse = sigma.getMouseCaptor();
  return sigma.getCamera().isAnimated() || mouse.isMoving || mouse.currentWheelDirection !== 0 || sigma.getTouchCaptor().isMoving;
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

export class NodeRingPointProgram<
  N extends Attributes = Attributes,
  E extends Attributes = Attributes,
  G extends Attributes = Attributes,
> extends NodeProgram<(typeof UNIFORMS)[number], N, E, G> {
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

  setUniforms({ sizeRatio, pixelRatio, matrix }: RenderParams, { gl, uniformLocations }: ProgramInfo) {
    gl.uniform1f(uniformLocations.u_pixelRatio, pixelRatio);
    gl.uniform1f(uniformLocations.u_sizeRatio, sizeRatio);
    gl.uniformMatrix3fv(uniformLocations.u_matrix, false, matrix);
  }

  render(params: RenderParams) {
    // The picking image (which node is under the pointer) is only needed once the camera rests; the
    // component renders again then.
    const pick = this.pickProgram;
    if (pick && cameraMoving(this.renderer)) this.pickProgram = null;
    try {
      super.render(params);
    } finally {
      this.pickProgram = pick;
    }
  }
}

/** One-pixel lines, left out while the camera moves. */
export class EdgeLineWhenStillProgram<
  N extends Attributes = Attributes,
  E extends Attributes = Attributes,
  G extends Attributes = Attributes,
> extends EdgeLineProgram<N, E, G> {
  render(params: RenderParams) {
    if (!cameraMoving(this.renderer)) super.render(params);
  }
}
