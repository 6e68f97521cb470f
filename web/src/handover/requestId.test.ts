import { afterEach, describe, expect, it, vi } from 'vitest';
import { newRequestId } from './requestId.ts';

// The server's pattern for a hand-over requestId (src/server/modules/cases/handoverRoutes.ts).
const SERVER_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('hand-over request keys', () => {
  afterEach(() => vi.unstubAllGlobals());
  it('are UUIDs the server accepts, different every time', () => {
    const ids = new Set(Array.from({ length: 200 }, newRequestId));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(SERVER_PATTERN);
  });
  it('are built from random bytes where crypto.randomUUID is missing (plain http on a local address)', () => {
    const getRandomValues = crypto.getRandomValues.bind(crypto);
    vi.stubGlobal('crypto', { getRandomValues });
    const ids = Array.from({ length: 200 }, newRequestId);
    expect(new Set(ids).size).toBe(200);
    for (const id of ids) expect(id).toMatch(V4);
  });
});
