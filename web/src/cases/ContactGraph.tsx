// The transmission graph: cases and contacts laid out as bubble trees, coloured by status, degree or
// cluster. Hover lights up a person and their direct links; a click opens the person (on touch: the first
// tap shows who it is, the second opens). Small graphs are drawn by sigma (sigmaGraph.ts: discs, arrows);
// large ones by a WebGL point renderer working straight from typed arrays (pointGraph.ts), so that an
// outbreak of 125,000 people opens in seconds and pans and zooms smoothly without a GPU.
import { useEffect, useMemo, useRef, useState } from 'react';
import { ActionIcon, Group, Paper, Text } from '@mantine/core';
import { IconZoomIn, IconZoomOut, IconZoomReset } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../lib/format.ts';
import { buildModel, legendFor, type GraphFilter, type GraphModel, type GraphPayload, type LegendItem } from './graphData.ts';
import type { GraphViewHandle, GraphViewOptions } from './graphView.ts';
import { mountPointGraph, NoWebGLError } from './pointGraph.ts';
import { mountSigmaGraph } from './sigmaGraph.ts';

interface Props {
  payload: GraphPayload;
  filter: GraphFilter;
  onOpenPerson?(personId: number): void;
  /** For payloads without names: the names of these people (only those the user zooms in on, points at or taps). */
  fetchNames?(personIds: number[]): Promise<Map<number, string>>;
  height?: number | string;
  /** Forces a renderer (support and tests: `?renderer=points` on the graph page); by default by size, see SIGMA_UP_TO. */
  renderer?: 'sigma' | 'points';
}

/** Up to this many people, sigma (discs with rings, arrows); above it, the point renderer. */
export const SIGMA_UP_TO = 5_000;

export function ContactGraph({ payload, filter, onOpenPerson, fetchNames, height = 600, renderer }: Props) {
  const { t } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const viewRef = useRef<GraphViewHandle | null>(null);
  const openRef = useRef(onOpenPerson);
  openRef.current = onOpenPerson;
  const namesRef = useRef(fetchNames);
  namesRef.current = fetchNames;
  const colourRef = useRef(filter.colourBy);
  colourRef.current = filter.colourBy;
  const [ready, setReady] = useState(false);
  const [failed, setFailed] = useState(false);
  const [tapped, setTapped] = useState<{ v: number; label: string } | null>(null);
  /** Counts the WebGL contexts the browser took away: each time, the view is made again. */
  const [generation, setGeneration] = useState(0);

  // Laying out is the expensive part: redo it only when the payload or the kept people change, not when a
  // new filter object with the same values comes in, nor for a change of colouring.
  const communesKey = filter.communes ? [...filter.communes].sort().join(',') : '*';
  const model = useMemo<GraphModel>(() => {
    // Marks for the render benchmark (bench/graph-render.bench.ts): layout, then the first drawing.
    performance.mark('graph:layout-start');
    const m = buildModel(payload, { communes: filter.communes, from: filter.from, to: filter.to });
    performance.mark('graph:layout-end');
    return m;
  }, [payload, communesKey, filter.from, filter.to]);
  const linkCount = model.links.source.length;
  const drawer = renderer ?? (model.n <= SIGMA_UP_TO ? 'sigma' : 'points');

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const options: GraphViewOptions = {
      colourBy: colourRef.current,
      onOpen: (v) => {
        setTapped(null);
        openRef.current?.(model.person[v]);
      },
      onTap: (v) => setTapped(v === null ? null : { v, label: viewRef.current?.labelOf(v) ?? '' }),
      fetchNames: (people) => namesRef.current?.(people) ?? Promise.resolve(new Map()),
      onLabels: () => setTapped((tp) => (tp && viewRef.current ? { v: tp.v, label: viewRef.current.labelOf(tp.v) } : tp)),
      onLost: () => setGeneration((g) => g + 1),
    };
    try {
      viewRef.current = drawer === 'sigma' ? mountSigmaGraph(el, model, options) : mountPointGraph(el, model, options);
    } catch (e) {
      if (!(e instanceof NoWebGLError)) throw e;
      setFailed(true);
      return;
    }
    performance.mark('graph:drawn');
    setFailed(false);
    setReady(true);
    return () => {
      viewRef.current?.kill();
      viewRef.current = null;
      setReady(false);
      setTapped(null);
    };
  }, [model, drawer, generation]);

  useEffect(() => {
    viewRef.current?.setColourBy(filter.colourBy);
  }, [model, filter.colourBy, generation]);

  const camera = (move: 'in' | 'out' | 'reset') => viewRef.current?.move(move);

  return (
    <div>
      <div
        style={{ position: 'relative', height, border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8, overflow: 'hidden', background: '#fff' }}
      >
        <div
          ref={container}
          data-testid="contact-graph"
          data-nodes={model.n}
          data-edges={linkCount}
          data-ready={ready || undefined}
          data-renderer={drawer}
          role="img"
          aria-label={t('graph.aria', { nodes: formatNumber(model.n), edges: formatNumber(linkCount) })}
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
        {model.n === 0 && (
          <Text c="dimmed" size="sm" style={{ position: 'absolute', top: '45%', width: '100%', textAlign: 'center' }}>
            {t('graph.empty')}
          </Text>
        )}
        {failed && (
          <Text c="red" size="sm" role="alert" style={{ position: 'absolute', top: '45%', width: '100%', textAlign: 'center' }}>
            {t('graph.noWebgl')}
          </Text>
        )}
      </div>
      <Group justify="space-between" align="flex-start" mt={6} gap="xs">
        <GraphLegend items={legendFor(filter.colourBy)} />
        <Text size="xs" c="dimmed" className="tabular">
          {t('graph.counts', { nodes: formatNumber(model.n), edges: formatNumber(linkCount) })}
          {model.truncated && ` · ${t('graph.truncated')}`}
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
