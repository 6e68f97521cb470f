// The transmission graph drawn by sigma (WebGL): cases and contacts laid out as bubble trees, coloured
// by status, degree or cluster. Hover lights up a person and their direct links; a click opens the
// person (on touch: the first tap shows who it is, the second opens). Labels appear once zoomed in.
import { useEffect, useMemo, useRef, useState } from 'react';
import { ActionIcon, Group, Paper, Text } from '@mantine/core';
import { IconZoomIn, IconZoomOut, IconZoomReset } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import Sigma from 'sigma';
import { createNodeBorderProgram } from '@sigma/node-border';
import { cameraMoving, highlightLinks, lazyPicking, LinkLayerProgram, NodeRingPointProgram } from './largeGraphPrograms.ts';
import { formatNumber } from '../lib/format.ts';
import {
  buildGraph,
  NODE_SIZES,
  legendFor,
  recolour,
  type ContactGraphModel,
  type EdgeAttributes,
  type GraphAttributes,
  type GraphFilter,
  type GraphLinks,
  type GraphPayload,
  type LegendItem,
  type NodeAttributes,
  nameLabel,
  LINK_HIGHLIGHT,
} from './graphData.ts';

interface Props {
  payload: GraphPayload;
  filter: GraphFilter;
  onOpenPerson?(personId: number): void;
  /** For payloads without names: the names of these people (only those the user zooms in on, or taps). */
  fetchNames?(personIds: number[]): Promise<Map<number, string>>;
  height?: number | string;
}

/** Names asked for at once when zoomed in on a large graph. */
const NAMES_PER_REQUEST = 1_000;

/** Up to this many nodes, hovering greys out everyone else (a full redraw); above it only the neighbourhood is lit. */
const DIM_OTHERS_UP_TO = 5_000;
/** Up to this many nodes, sigma's instanced disc and arrow programs; above it, points, and links as arrays (see largeGraphPrograms.ts). */
const INSTANCED_UP_TO = 5_000;
const DIMMED = '#e9ecef';
/** Smallest radius of a case on screen, in pixels: when zoomed out, sizes stop shrinking with the layout. */
const MIN_CASE_PX = 3;
const STAGE_PADDING = 30;
/** Labels are drawn for nodes at least this large on screen, in pixels. */
const LABEL_PX = 7;

const BorderProgram = createNodeBorderProgram<NodeAttributes, EdgeAttributes, GraphAttributes>({
  borders: [
    { size: { value: 0.3 }, color: { attribute: 'borderColor' } },
    { size: { fill: true }, color: { attribute: 'color' } },
  ],
});

interface Hover {
  node: string | null;
  nodes: Set<string>;
  edges: Set<string>;
}
const NO_HOVER: Hover = { node: null, nodes: new Set(), edges: new Set() };

export function ContactGraph({ payload, filter, onOpenPerson, fetchNames, height = 600 }: Props) {
  const { t } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const sigmaRef = useRef<Sigma<NodeAttributes, EdgeAttributes, GraphAttributes> | null>(null);
  const openRef = useRef(onOpenPerson);
  openRef.current = onOpenPerson;
  const namesRef = useRef(fetchNames);
  namesRef.current = fetchNames;
  const [ready, setReady] = useState(false);
  const [tapped, setTapped] = useState<{ key: string; label: string } | null>(null);

  // Laying out is the expensive part: redo it only when the payload or the kept people change, not when a
  // new filter object with the same values comes in, nor for a change of colouring.
  const communesKey = filter.communes ? [...filter.communes].sort().join(',') : '*';
  const graph = useMemo<ContactGraphModel>(
    () => buildGraph(payload, filter, { linksAsideAbove: INSTANCED_UP_TO }),
    [payload, communesKey, filter.from, filter.to],
  );

  const linkCount = graph.getAttribute('links')?.source.length ?? graph.size;

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const dimOthers = graph.order <= DIM_OTHERS_UP_TO;
    const links: GraphLinks | undefined = graph.getAttribute('links');
    const small = !links;
    let hover: Hover = NO_HOVER;
    let viewport = Math.min(el.clientWidth, el.clientHeight);
    const extent = graph.getAttribute('extent');
    let lastTap: string | null = null;

    const sigma = new Sigma<NodeAttributes, EdgeAttributes, GraphAttributes>(graph, el, {
      allowInvalidContainer: true,
      defaultEdgeType: 'line',
      // Small graphs get sigma's smoother discs and arrows; large ones one WebGL point per node and plain lines.
      nodeProgramClasses: small ? { border: BorderProgram } : { circle: NodeRingPointProgram, border: NodeRingPointProgram },
      edgeProgramClasses: small ? {} : { line: LinkLayerProgram },
      labelFont: "'Be Vietnam Pro', system-ui, sans-serif",
      labelSize: 12,
      labelWeight: '500',
      labelRenderedSizeThreshold: LABEL_PX,
      stagePadding: STAGE_PADDING,
      // Sizes are in layout units, so zooming in opens stars up without overlaps; zoomed out, they keep a
      // minimum size on screen (the camera ratio at which a case reaches MIN_CASE_PX caps the shrinking).
      itemSizesReference: 'positions',
      zoomToSizeRatioFunction: (ratio) => {
        const pixelsPerUnit = Math.max(viewport - 2 * STAGE_PADDING, 1) / extent;
        return Math.min(ratio, (pixelsPerUnit * NODE_SIZES[0]) / MIN_CASE_PX);
      },
      hideLabelsOnMove: !small,
      minCameraRatio: 0.01,
      maxCameraRatio: 4,
      nodeReducer: (node, data) => {
        if (hover.node === null) return data;
        if (hover.nodes.has(node)) return { ...data, highlighted: true };
        if (dimOthers) return { ...data, color: DIMMED, borderColor: DIMMED, label: null };
        return data;
      },
      edgeReducer: (edge, data) => {
        if (hover.node === null) return data;
        if (hover.edges.has(edge)) return { ...data, color: LINK_HIGHLIGHT, size: data.size * 2 };
        if (dimOthers) return { ...data, hidden: true };
        return data;
      },
    });
    sigmaRef.current = sigma;
    if (!small) lazyPicking(sigma);

    const setHover = (node: string | null) => {
      const before = hover;
      if (node === null) {
        hover = NO_HOVER;
        if (links) highlightLinks(sigma, []);
      } else if (!links) hover = { node, nodes: new Set([node, ...graph.neighbors(node)]), edges: new Set(graph.edges(node)) };
      else {
        // Links as arrays: the person's links and the people at their other ends.
        const v = graph.getNodeAttribute(node, 'index');
        const lit = Array.from(links.linkOf.subarray(links.start[v], links.start[v + 1]));
        const nodes = new Set([node]);
        for (const i of lit) nodes.add(links.keys[links.source[i] === v ? links.target[i] : links.source[i]]);
        hover = { node, nodes, edges: new Set() };
        highlightLinks(sigma, lit);
      }
      if (dimOthers) {
        sigma.refresh();
      } else {
        // Large graph: redraw only the people and links whose look changed.
        sigma.refresh({
          partialGraph: { nodes: [...before.nodes, ...hover.nodes], edges: [...before.edges, ...hover.edges] },
          skipIndexation: true,
        });
      }
    };
    sigma.on('enterNode', ({ node }) => setHover(node));
    sigma.on('leaveNode', () => setHover(null));
    sigma.on('clickNode', ({ node, event }) => {
      const touch = event.original.type.startsWith('touch');
      if (touch && lastTap !== node) {
        lastTap = node;
        setHover(node);
        setTapped({ key: node, label: graph.getNodeAttribute(node, 'label') });
        void nameVisible(node);
        return;
      }
      lastTap = null;
      setTapped(null);
      openRef.current?.(graph.getNodeAttribute(node, 'personId'));
    });
    sigma.on('clickStage', () => {
      lastTap = null;
      setTapped(null);
      if (hover.node !== null) setHover(null);
    });

    // Large graphs come without names: ask for those of the people big enough on screen to be labelled.
    const named = new Set<string>();
    let naming = false;
    const nameVisible = async (only?: string) => {
      if (payload.name || !namesRef.current || naming) return;
      const wanted: string[] = [];
      if (only) {
        if (!named.has(only)) wanted.push(only);
      } else {
        // Labels show once zoomed in: name the people on screen when there are few enough of them.
        if (sigma.scaleSize(NODE_SIZES[0]) < LABEL_PX) return;
        const { width, height: h } = sigma.getDimensions();
        let visible = 0;
        for (const node of graph.nodes()) {
          const d = sigma.getNodeDisplayData(node);
          if (!d) continue;
          const p = sigma.framedGraphToViewport(d);
          if (p.x < 0 || p.y < 0 || p.x > width || p.y > h) continue;
          if (++visible > 2 * NAMES_PER_REQUEST) return;
          if (!named.has(node) && wanted.length < NAMES_PER_REQUEST) wanted.push(node);
        }
      }
      if (!wanted.length) return;
      naming = true;
      try {
        const names = await namesRef.current(wanted.map(Number));
        if (sigmaRef.current !== sigma) return;
        for (const node of wanted) {
          named.add(node);
          const name = names.get(Number(node));
          // In place, without graphology's update event: sigma would answer it by indexing the whole graph
          // again (a second at 120,000 nodes); a label changes neither position nor size.
          const attributes = graph.getNodeAttributes(node);
          if (name) attributes.label = nameLabel(name, attributes.degree);
        }
        if (only) setTapped((tp) => (tp?.key === only ? { key: only, label: graph.getNodeAttribute(only, 'label') } : tp));
        sigma.refresh({ partialGraph: { nodes: wanted }, skipIndexation: true, schedule: true });
      } catch {
        // Names are a help for reading; the graph works without them.
      } finally {
        naming = false;
      }
    };
    let nameTimer: number | undefined;
    const nameSoon = () => {
      window.clearTimeout(nameTimer);
      nameTimer = window.setTimeout(() => void nameVisible(), 300);
    };
    if (!payload.name) {
      sigma.getCamera().on('updated', nameSoon);
      sigma.on('enterNode', ({ node }) => void nameVisible(node));
      nameSoon();
    }

    // Large graphs leave edges and the picking image out while the camera moves (largeGraphPrograms.ts):
    // draw them once it has come to rest.
    let settle: number | undefined;
    const settleSoon = () => {
      window.clearTimeout(settle);
      settle = window.setTimeout(() => (cameraMoving(sigma) ? settleSoon() : sigma.scheduleRender()), 120);
    };
    if (!small) {
      sigma.getCamera().on('updated', settleSoon);
      sigma.getMouseCaptor().on('mouseup', settleSoon);
      sigma.getTouchCaptor().on('touchup', settleSoon);
    }

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
    setReady(true);

    return () => {
      window.clearTimeout(settle);
      window.clearTimeout(nameTimer);
      resize.disconnect();
      sigma.kill();
      sigmaRef.current = null;
      setReady(false);
      setTapped(null);
    };
  }, [graph]);

  useEffect(() => {
    if (graph.getAttribute('colourBy') === filter.colourBy) return;
    recolour(graph, filter.colourBy);
    sigmaRef.current?.refresh();
  }, [graph, filter.colourBy]);

  const camera = (move: 'in' | 'out' | 'reset') => {
    const cam = sigmaRef.current?.getCamera();
    if (!cam) return;
    if (move === 'in') void cam.animatedZoom({ duration: 250 });
    else if (move === 'out') void cam.animatedUnzoom({ duration: 250 });
    else void cam.animatedReset({ duration: 250 });
  };

  return (
    <div>
      <div
        style={{ position: 'relative', height, border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8, overflow: 'hidden', background: '#fff' }}
      >
        <div
          ref={container}
          data-testid="contact-graph"
          data-nodes={graph.order}
          data-edges={linkCount}
          data-ready={ready || undefined}
          role="img"
          aria-label={t('graph.aria', { nodes: formatNumber(graph.order), edges: formatNumber(linkCount) })}
          style={{ position: 'absolute', inset: 0 }}
        />
        <Group gap={4} style={{ position: 'absolute', top: 8, right: 8, zIndex: 1 }}>
          <ActionIcon variant="default" size="lg" aria-label={t('graph.zoomIn')} title={t('graph.zoomIn')} onClick={() => camera('in')}>
            <IconZoomIn size={18} />
          </ActionIcon>
          <ActionIcon variant="default" size="lg" aria-label={t('graph.zoomOut')} title={t('graph.zoomOut')} onClick={() => camera('out')}>
            <IconZoomOut size={18} />
          </ActionIcon>
          <ActionIcon variant="default" size="lg" aria-label={t('graph.reset')} title={t('graph.reset')} onClick={() => camera('reset')}>
            <IconZoomReset size={18} />
          </ActionIcon>
        </Group>
        {tapped && (
          <Paper shadow="md" withBorder p="xs" role="status" style={{ position: 'absolute', top: 8, left: 8, zIndex: 1, maxWidth: 260 }}>
            <Text fw={600} size="sm">
              {tapped.label}
            </Text>
            <Text size="xs" c="dimmed">
              {t('graph.tapAgain')}
            </Text>
          </Paper>
        )}
        {graph.order === 0 && (
          <Text c="dimmed" size="sm" style={{ position: 'absolute', top: '45%', width: '100%', textAlign: 'center' }}>
            {t('graph.empty')}
          </Text>
        )}
      </div>
      <Group justify="space-between" align="flex-start" mt={6} gap="xs">
        <GraphLegend items={legendFor(filter.colourBy)} />
        <Text size="xs" c="dimmed" className="tabular">
          {t('graph.counts', { nodes: formatNumber(graph.order), edges: formatNumber(linkCount) })}
          {graph.getAttribute('truncated') && ` · ${t('graph.truncated')}`}
        </Text>
      </Group>
    </div>
  );
}

function GraphLegend({ items }: { items: LegendItem[] }) {
  const { t } = useTranslation();
  return (
    <div aria-label={t('graph.legend.title')} data-testid="graph-legend" style={{ display: 'flex', flexWrap: 'wrap', gap: '4px 12px', fontSize: 12 }}>
      {items.map((item) => (
        <span key={item.key} style={{ display: 'inline-flex', alignItems: 'center', gap: 4 }}>
          {(item.swatches ?? [item.color]).map((color) => (
            <span
              key={color}
              style={{
                width: 12,
                height: 12,
                borderRadius: '50%',
                background: color,
                boxSizing: 'border-box',
                border: item.border ? `3px solid ${item.border}` : '1px solid rgba(0,0,0,0.15)',
              }}
            />
          ))}
          {t(item.key)}
        </span>
      ))}
    </div>
  );
}
