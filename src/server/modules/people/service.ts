// Person search: decides whether the query is a CCCD, a phone number or a name.
import type { Queryable } from '../../db/index.ts';
import type { Scope } from '../units/store.ts';
import { normalizePhone, searchKey } from '../../../domain/people/normalize.ts';
import * as store from './store.ts';

export function classifyQuery(raw: string): { kind: store.SearchKind; value: string } | null {
  const compact = raw.replace(/[\s.\-()]/g, '');
  if (/^\d{12}$/.test(compact)) return { kind: 'cccd', value: compact };
  if (/^\+?\d{9,13}$/.test(compact)) {
    const phone = normalizePhone(compact);
    return phone ? { kind: 'phone', value: phone } : null;
  }
  const key = searchKey(raw);
  if (key.length < 2) return null;
  return { kind: 'name', value: key };
}

export async function searchPeople(q: Queryable, scope: Scope, raw: string, limit: number, communeCode?: string) {
  const c = classifyQuery(raw);
  if (!c) return { kind: null, items: [] };
  const items =
    c.kind === 'cccd'
      ? await store.searchByCccd(q, scope, c.value, limit)
      : c.kind === 'phone'
        ? await store.searchByPhone(q, scope, c.value, limit)
        : await store.searchByName(q, scope, c.value, limit, communeCode);
  return { kind: c.kind, items };
}
