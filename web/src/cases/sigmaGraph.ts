// Small transmission graphs (up to SIGMA_UP_TO people: a commune, a cluster) drawn by sigma: discs with a
// ring for contacts who became cases, arrows from who exposed to who was exposed, labels placed by sigma.
// Hover greys out everyone but the person and their direct links; a click opens the person (on touch: the
// first tap shows who it is, the second opens). Large graphs are drawn by pointGraph.ts instead.
import Sigma from 'sigma';
import { createNodeBorderProgram } from '@sigma/node-border';
import {
  NODE_SIZES,
  nameLabel,
  recolour,
  toGraphology,
  type ColourBy,
  type EdgeAttributes,
  type GraphAttributes,
  type GraphModel,
  type NodeAttributes,
  LINK_HIGHLIGHT,
} from './graphData.ts';
import { MAX_CASE_PX, MIN_CASE_PX, type GraphViewHandle, type GraphViewOptions } from './graphView.ts';

const DIMMED = '#e9ecef';
const STAGE_PADDING = 30;
/** Labels are drawn for nodes at least this large on screen, in pixels. */
const LABEL_PX = 7;

const BorderProgram = createNodeBorderProgram<NodeAttributes, EdgeAttributes, GraphAttributes>({
  borders: [
    { size: { value: 0.3 }, color: { attribute: 'borderColor' } },
    { size: { fill: true }, color: { attribute: 'color' } },
  ],
});

export function mountSigmaGraph(el: HTMLElement, model: GraphModel, options: GraphViewOptions): GraphViewHandle {
  const graph = toGraphology(model, options.colourBy);
  const keyOf = (v: number) => String(model.person[v]);
  let hover: { node: string; nodes: Set<string>; edges: Set<string> } | null = null;
  let viewport = Math.min(el.clientWidth, el.clientHeight);
  let lastTap: string | null = null;

  const sigma = new Sigma<NodeAttributes, EdgeAttributes, GraphAttributes>(graph, el, {
    allowInvalidContainer: true,
    defaultEdgeType: 'line',
    nodeProgramClasses: { border: BorderProgram },
    labelFont: "'Be Vietnam Pro', system-ui, sans-serif",
    labelSize: 12,
    labelWeight: '500',
    labelRenderedSizeThreshold: LABEL_PX,
    stagePadding: STAGE_PADDING,
    // Sizes are in layout units, so zooming in opens stars up without overlaps; on screen a case stays
    // between MIN_CASE_PX and MAX_CASE_PX (the camera ratios at which it reaches either bound cap the
    // shrinking and the growing: a household of six fitted to the screen does not fill it with discs).
    itemSizesReference: 'positions',
    zoomToSizeRatioFunction: (ratio) => {
      const pixelsPerUnit = Math.max(viewport - 2 * STAGE_PADDING, 1) / model.extent;
      return Math.max((pixelsPerUnit * NODE_SIZES[0]) / MAX_CASE_PX, Math.min(ratio, (pixelsPerUnit * NODE_SIZES[0]) / MIN_CASE_PX));
    },
    minCameraRatio: 0.01,
    maxCameraRatio: 4,
    nodeReducer: (node, data) => {
      if (!hover) return data;
      if (hover.nodes.has(node)) return { ...data, highlighted: true };
      return { ...data, color: DIMMED, borderColor: DIMMED, label: null };
    },
    edgeReducer: (edge, data) => {
      if (!hover) return data;
      if (hover.edges.has(edge)) return { ...data, color: LINK_HIGHLIGHT, size: data.size * 2 };
      return { ...data, hidden: true };
    },
  });

  const setHover = (node: string | null) => {
    hover = node === null ? null : { node, nodes: new Set([node, ...graph.neighbors(node)]), edges: new Set(graph.edges(node)) };
    sigma.refresh();
  };
  // A graph without names (cut from a large one): the person's name when they are pointed at.
  const name = async (node: string) => {
    const attributes = graph.getNodeAttributes(node);
    if (model.name || !options.fetchNames || attributes.label !== `F${attributes.degree}`) return;
    try {
      const known = (await options.fetchNames([attributes.personId])).get(attributes.personId);
      if (known && graph.hasNode(node)) {
        graph.setNodeAttribute(node, 'label', nameLabel(known, attributes.degree));
        options.onLabels?.();
      }
    } catch {
      // Names are a help for reading; the graph works without them.
    }
  };
  sigma.on('enterNode', ({ node }) => {
    setHover(node);
    void name(node);
  });
  sigma.on('leaveNode', () => setHover(null));
  sigma.on('clickNode', ({ node, event }) => {
    const v = graph.getNodeAttribute(node, 'index');
    const touch = event.original.type.startsWith('touch');
    if (touch && lastTap !== node) {
      lastTap = node;
      setHover(node);
      options.onTap(v);
      void name(node);
      return;
    }
    lastTap = null;
    options.onOpen(v);
  });
  sigma.on('clickStage', () => {
    lastTap = null;
    options.onTap(null);
    if (hover) setHover(null);
  });

  // Sigma follows window resizes itself; this catches the container changing size on its own.
  let lastSize = `${el.clientWidth}x${el.clientHeight}`;
  const resize = new ResizeObserver(() => {
    const size = `${el.clientWidth}x${el.clientHeight}`;
    if (size === lastSize) return;
    lastSize = size;
    viewport = Math.min(el.clientWidth, el.clientHeight);
    sigma.resize();
    sigma.scheduleRender();
  });
  resize.observe(el);

  return {
    setColourBy(colourBy: ColourBy) {
      if (graph.getAttribute('colourBy') === colourBy) return;
      recolour(graph, colourBy);
      sigma.refresh();
    },
    move(to) {
      const cam = sigma.getCamera();
      if (to === 'in') void cam.animatedZoom({ duration: 250 });
      else if (to === 'out') void cam.animatedUnzoom({ duration: 250 });
      else void cam.animatedReset({ duration: 250 });
    },
    labelOf(v) {
      return graph.getNodeAttribute(keyOf(v), 'label');
    },
    kill() {
      resize.disconnect();
      sigma.kill();
    },
  };
}
