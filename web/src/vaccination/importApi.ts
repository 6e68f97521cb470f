// The dose import's API: recent jobs, one job (polled while it runs), the upload URL, file links.
import { useQuery } from '@tanstack/react-query';
import { api } from '../lib/api.ts';
import type { ImportJob } from '../lib/types.ts';

export const DOSE_IMPORT_URL = '/api/vaccination/imports';
export const templateUrl = (format: 'csv' | 'xlsx') => `/api/vaccination/imports/template.csv${format === 'xlsx' ? '?format=xlsx' : ''}`;
export const errorsUrl = (id: number | string, format: 'csv' | 'xlsx') => `/api/vaccination/imports/${id}/errors.csv${format === 'xlsx' ? '?format=xlsx' : ''}`;

export function useDoseImports() {
  return useQuery({
    queryKey: ['vaccination', 'imports'],
    queryFn: ({ signal }) => api<{ items: ImportJob[] }>('/vaccination/imports', { signal }).then((r) => r.items),
  });
}

export function useDoseImport(id: string | null) {
  return useQuery({
    queryKey: ['vaccination', 'import', id],
    queryFn: ({ signal }) => api<ImportJob>(`/vaccination/imports/${id}`, { signal }),
    enabled: !!id,
    refetchInterval: (q) => (q.state.data?.status === 'running' || !q.state.data ? 700 : false),
  });
}
