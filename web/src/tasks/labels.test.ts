import { describe, expect, it } from 'vitest';
import vi from '../i18n/field.vi.json';
import en from '../i18n/field.en.json';
import { hintKey, TASK_KINDS } from './labels.ts';

const lookup = (dict: unknown, key: string) => key.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), dict);

describe('task labels', () => {
  it('names and explains every task kind in Vietnamese and English (the hand-over has its own)', () => {
    for (const kind of TASK_KINDS.filter((k) => k !== 'receive_handover')) {
      for (const dict of [vi, en]) {
        expect(typeof lookup(dict, `tasks.kind.${kind}`), `${kind} label`).toBe('string');
        expect(typeof lookup(dict, hintKey({ kind, detail: null })), `${kind} hint`).toBe('string');
      }
    }
  });

  it('tells how to confirm a positive rapid test by the policy the task was made under', () => {
    expect(hintKey({ kind: 'confirm_rapid_test', detail: { confirmWith: 'pcr' } })).toBe('tasks.hint.confirm_rapid_test_pcr');
    expect(hintKey({ kind: 'confirm_rapid_test', detail: { confirmWith: 'rapid' } })).toBe('tasks.hint.confirm_rapid_test_rapid');
    expect(lookup(vi, 'tasks.hint.confirm_rapid_test_pcr')).toMatch(/RT-PCR/);
    expect(lookup(vi, 'tasks.kind.resample_pool_member')).not.toBe(lookup(en, 'tasks.kind.resample_pool_member'));
    expect(hintKey({ kind: 'resample_pool_member', detail: { followUpId: 3, poolId: 2 } })).toBe('tasks.hint.resample_pool_member');
  });
});
