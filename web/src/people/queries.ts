import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../lib/api.ts';
import type { Household, PeopleSearch, Person } from '../lib/types.ts';

export const SEARCH_LIMIT = 50;

export const usePeopleSearch = (q: string, commune: string | null) =>
  useQuery({
    queryKey: ['people', q, commune],
    queryFn: ({ signal }) => api<PeopleSearch>('/people', { query: { q, commune, limit: SEARCH_LIMIT }, signal }),
    enabled: q.trim().length > 0,
    placeholderData: keepPreviousData,
  });

export const usePerson = (id: string) =>
  useQuery({ queryKey: ['person', id], queryFn: ({ signal }) => api<{ person: Person; household: Household | null }>(`/people/${encodeURIComponent(id)}`, { signal }) });
