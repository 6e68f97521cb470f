// The transmission graph's query, shared by GraphPage and the start-up prefetch (App.tsx): the graph of an
// outbreak is megabytes of JSON, so its request starts with the app rather than after the page's chunk loads.
import type { QueryClient } from '@tanstack/react-query';
import { api } from '../lib/api.ts';
import type { GraphPayload } from './graphData.ts';

export const graphQuery = (unit: string | null, from: string | null, to: string | null) => ({
  queryKey: ['case-graph', unit, from, to] as const,
  queryFn: ({ signal }: { signal?: AbortSignal }) => api<GraphPayload>('/cases/graph', { query: { unit, from, to }, signal }),
  staleTime: 60_000,
});

/** Starts loading the graph when the app opens on /cases/graph. */
export function prefetchGraphPage(qc: QueryClient, location: Pick<Location, 'pathname' | 'search'>) {
  if (location.pathname !== '/cases/graph') return;
  const params = new URLSearchParams(location.search);
  void qc.prefetchQuery(graphQuery(params.get('unit'), params.get('from'), params.get('to')));
}
