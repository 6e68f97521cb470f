import { describe, expect, it } from 'vitest';
import { advisePoolSize, areaRisk, canJoinPool, expectedTestsPerPerson, maxPoolSize, optimumPoolSize, POOLING_LIMIT } from './pooling.ts';

const r4 = (x: number) => Math.round(x * 10_000) / 10_000;

describe('Dorfman pooling (domain.md §6)', () => {
  it('matches the published optimum table exactly', () => {
    expect([0.01, 0.05, 0.1].map((p) => { const o = optimumPoolSize(p); return [p, o.k, r4(o.expected)]; })).toEqual([
      [0.01, 11, 0.1956],
      [0.05, 5, 0.4262],
      [0.1, 4, 0.5939],
    ]);
  });
  it('E = 1/k + 1 − (1 − p)^k', () => {
    expect(expectedTestsPerPerson(0.01, 1)).toBe(1);
    expect(expectedTestsPerPerson(0, 10)).toBeCloseTo(0.1, 12);
    expect(expectedTestsPerPerson(0.1, 4)).toBeCloseTo(0.25 + 1 - 0.6561, 12);
  });
  it('stops helping above p ≈ 0.3066', () => {
    expect(r4(POOLING_LIMIT)).toBe(0.3066);
    expect(optimumPoolSize(POOLING_LIMIT - 0.001).k).toBe(3);
    expect(optimumPoolSize(POOLING_LIMIT + 0.001).k).toBe(1);
    expect(optimumPoolSize(0.5)).toEqual({ k: 1, expected: 1, saving: 0 });
    expect(advisePoolSize(0.4, 10).poolingHelps).toBe(false);
  });
  it('advises within the policy maximum and shows the saving', () => {
    const a = advisePoolSize(0.01, 5);
    expect(a.optimum.k).toBe(11);
    expect(a.withinPolicy.k).toBe(5);
    expect(a.withinPolicy.maxPoolSize).toBe(5);
    expect(r4(a.withinPolicy.saving)).toBe(r4(1 - (0.2 + 1 - 0.99 ** 5)));
    expect(a.table).toHaveLength(11);
    expect(a.table[0]).toEqual({ k: 1, expected: 1, saving: 0 });
    expect(advisePoolSize(0.05, 10).withinPolicy.k).toBe(5);
  });
});

describe('pool rules', () => {
  it('maximum pool size by area risk from the policy', () => {
    expect(maxPoolSize({ lowRisk: 10, highRisk: 5 }, 'low')).toBe(10);
    expect(maxPoolSize({ lowRisk: 10, highRisk: 5 }, 'high')).toBe(5);
  });
  it('a unit overlapping an active zone, or under a listed unit, is higher-risk', () => {
    const areas = { zonePaths: ['20/178/05971/v01/'], listedPaths: ['20/180/'] };
    expect(areaRisk('20/178/05971/', areas)).toEqual({ risk: 'high', reason: 'zone' }); // the commune holds the zoned village
    expect(areaRisk('20/178/05971/v01/', areas).risk).toBe('high');
    expect(areaRisk('20/180/06001/', areas)).toEqual({ risk: 'high', reason: 'listed' });
    expect(areaRisk('20/178/05974/', areas)).toEqual({ risk: 'low', reason: null });
    expect(areaRisk('20/', { zonePaths: [], listedPaths: ['20/180/'] }).risk).toBe('low');
  });
  it('who may join a pool', () => {
    const open = { status: 'open', members: 4, maxSize: 5 };
    const free = { kind: 'pool_member', poolId: null, status: 'collected' };
    expect(canJoinPool(open, free)).toEqual({ ok: true });
    expect(canJoinPool({ ...open, members: 5 }, free)).toEqual({ ok: false, reason: 'pool_full' });
    expect(canJoinPool(open, { ...free, poolId: 3 })).toEqual({ ok: false, reason: 'already_pooled' });
    expect(canJoinPool({ ...open, status: 'sealed' }, free)).toEqual({ ok: false, reason: 'pool_closed' });
    expect(canJoinPool(open, { ...free, kind: 'single' })).toEqual({ ok: false, reason: 'single_specimen' });
    expect(canJoinPool(open, { ...free, status: 'resulted' })).toEqual({ ok: false, reason: 'already_resulted' });
  });
});
