import { describe, expect, it } from 'vitest';
import { MinuteCounter } from './minuteCounter.ts';

describe('check-ins per identity per minute', () => {
  it('refuses the check-ins of one identity beyond the limit in a minute, not the others’; a new minute starts again', () => {
    let t = Date.parse('2026-12-01T08:00:05Z');
    const c = new MinuteCounter(10, () => t);
    const a = Array.from({ length: 12 }, () => c.hit('20|p+84933444555'));
    expect(a.slice(0, 10)).toEqual(Array(10).fill(true));
    expect(a.slice(10)).toEqual([false, false]);
    expect(c.hit('20|p+84933444556')).toBe(true);
    // The same identity in another province is another key.
    expect(c.hit('38|p+84933444555')).toBe(true);
    t += 55_000; // 08:01:00
    expect(c.hit('20|p+84933444555')).toBe(true);
  });

  it('does not refuse anyone of a busy minute: 500,000 different identities, each once, then each of 2,000 of them ten times', () => {
    const t = Date.parse('2026-12-01T08:00:00Z');
    const c = new MinuteCounter(10, () => t);
    let refused = 0;
    for (let i = 0; i < 500_000; i++) if (!c.hit(`20|p+849${String(i).padStart(8, '0')}`)) refused++;
    for (let i = 0; i < 2000; i++) for (let k = 0; k < 9; k++) if (!c.hit(`20|p+849${String(i * 37).padStart(8, '0')}`)) refused++;
    expect(refused).toBe(0);
    // And still refuses the eleventh.
    expect(c.hit(`20|p+849${String(0).padStart(8, '0')}`)).toBe(false);
  });

  it('refuses a limit it cannot count', () => {
    expect(() => new MinuteCounter(0)).toThrow(RangeError);
    expect(() => new MinuteCounter(70_000)).toThrow(RangeError);
  });
});
