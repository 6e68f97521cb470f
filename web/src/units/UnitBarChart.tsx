// Horizontal bar chart of a layer by child unit (ECharts, SVG renderer: crisp on phones and in print).
import { useEffect, useMemo, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import { formatNumber } from '../lib/format.ts';

echarts.use([BarChart, GridComponent, TooltipComponent, SVGRenderer]);

/** One bar per unit, in the order they should read from the top (largest first). */
export interface Bar {
  code: string;
  label: string;
  value: number | null;
}

interface Props {
  bars: Bar[];
  digits: number;
  seriesName: string;
  onOpen?(code: string): void;
}

const FONT = "'Be Vietnam Pro', system-ui, sans-serif";

export default function UnitBarChart({ bars, digits, seriesName, onOpen }: Props) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const open = useRef(onOpen);
  open.current = onOpen;
  // `bars` come largest first; ECharts draws category axes bottom-up, so reverse to keep that order on screen.
  const sorted = useMemo(() => [...bars].reverse(), [bars]);
  const height = Math.max(160, sorted.length * 24 + 40);

  useEffect(() => {
    const c = echarts.init(el.current!, undefined, { renderer: 'svg' });
    chart.current = c;
    c.on('click', (p) => {
      const code = (p.data as { code?: string } | undefined)?.code;
      if (code) open.current?.(code);
    });
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current!);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(
      {
        textStyle: { fontFamily: FONT },
        animation: false,
        grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
        tooltip: {
          trigger: 'item',
          formatter: (p: { name: string; value: number | null }) => `${echarts.format.encodeHTML(p.name)}<br/>${echarts.format.encodeHTML(seriesName)}: <b>${formatNumber(p.value, digits)}</b>`,
        },
        xAxis: { type: 'value', axisLabel: { formatter: (v: number) => formatNumber(v, digits), hideOverlap: true }, splitNumber: 3 },
        yAxis: { type: 'category', data: sorted.map((b) => b.label), axisLabel: { fontSize: 11, width: 110, overflow: 'truncate' }, axisTick: { show: false } },
        series: [
          {
            type: 'bar',
            name: seriesName,
            data: sorted.map((b) => ({ value: b.value, code: b.code })),
            itemStyle: { color: '#2171b5', borderRadius: [0, 3, 3, 0] },
            barMaxWidth: 18,
            label: { show: true, position: 'right', fontSize: 11, formatter: (p: { value: number | null }) => formatNumber(p.value, digits) },
            cursor: onOpen ? 'pointer' : 'default',
          },
        ],
      },
      { notMerge: true },
    );
    chart.current?.resize();
  }, [sorted, digits, seriesName, onOpen]);

  return <div ref={el} style={{ width: '100%', height }} data-testid="unit-chart" />;
}
