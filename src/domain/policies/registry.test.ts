import { describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import { planNewVersion, versionOn, type PolicyVersion } from './registry.ts';
import { POLICY_DEFINITIONS } from './defaults.ts';

const v = (version: number, effectiveFrom: string, effectiveTo: string | null = null): PolicyVersion => ({ key: 'k', version, effectiveFrom, effectiveTo, value: {}, source: 's', note: null });

describe('versionOn', () => {
  const versions = [v(1, '2021-07-14', '2021-12-16'), v(2, '2021-12-16', '2022-02-21'), v(3, '2022-02-21')];
  it('picks the version in force, start inclusive, end exclusive', () => {
    expect(versionOn(versions, '2021-07-14')?.version).toBe(1);
    expect(versionOn(versions, '2021-12-15')?.version).toBe(1);
    expect(versionOn(versions, '2021-12-16')?.version).toBe(2);
    expect(versionOn(versions, '2023-01-01')?.version).toBe(3);
  });
  it('returns null before the first version', () => {
    expect(versionOn(versions, '2020-01-01')).toBeNull();
  });
});

describe('planNewVersion', () => {
  it('closes the open-ended version on the new start', () => {
    const plan = planNewVersion([v(1, '2021-07-14')], '2021-12-16');
    expect(plan).toEqual({ ok: true, close: v(1, '2021-07-14'), version: 2 });
  });
  it('refuses a version that does not start after the latest', () => {
    expect(planNewVersion([v(1, '2021-07-14')], '2021-07-14')).toEqual({ ok: false, reason: 'not_after_latest' });
    expect(planNewVersion([v(1, '2021-07-14')], '2021-01-01')).toEqual({ ok: false, reason: 'not_after_latest' });
  });
  it('leaves a version that already ended before the new start', () => {
    const plan = planNewVersion([v(1, '2021-07-14', '2021-08-01')], '2021-09-01');
    expect(plan).toEqual({ ok: true, close: null, version: 2 });
  });
  it('starts at version 1', () => {
    expect(planNewVersion([], '2021-01-01')).toEqual({ ok: true, close: null, version: 1 });
  });
});

describe('shipped defaults', () => {
  it('every default value satisfies its schema and names a source', () => {
    for (const d of POLICY_DEFINITIONS) {
      for (const dv of d.defaults) {
        expect(Value.Check(d.schema, dv.value), `${d.key} ${dv.effectiveFrom}`).toBe(true);
        expect(dv.source.length).toBeGreaterThan(5);
      }
    }
  });
  it('F1 quarantine follows the 14 → 7 → 5 day history', () => {
    const f1 = POLICY_DEFINITIONS.find((d) => d.key === 'quarantine.f1')!;
    expect(f1.defaults.map((x) => [x.effectiveFrom, Math.min(...(x.value as { rules: { days: number }[] }).rules.map((r) => r.days))])).toEqual([
      ['2021-07-14', 14],
      ['2021-12-16', 7],
      ['2022-02-21', 5],
    ]);
  });
});
