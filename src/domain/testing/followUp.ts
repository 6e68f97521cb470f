// After a positive pool every member is re-sampled (the swabs were pooled at collection) or
// re-tested from their own kept specimen (pooled in the lab), and followed until their own
// result is known or the health worker closes the follow-up (person unreachable, left the area).

export const FOLLOW_UP_STATES = ['pending', 'collected', 'positive', 'negative', 'closed'] as const;
export type FollowUpState = (typeof FOLLOW_UP_STATES)[number];
export type FollowUpAction = 'resample' | 'retest';

export type FollowUpEvent =
  | { type: 'collected' }
  | { type: 'result'; outcome: 'positive' | 'negative' | 'invalid' }
  | { type: 'close' };

export type Transition = { ok: true; state: FollowUpState } | { ok: false; reason: 'finished' | 'not_collected' | 'not_applicable' };

export function isFinished(s: FollowUpState): boolean {
  return s === 'positive' || s === 'negative' || s === 'closed';
}

/**
 * - resample: pending → collected (new specimen) → positive | negative; an invalid result sends it back to pending (sample again).
 * - retest: pending → positive | negative straight from the lab; an invalid result leaves it pending.
 * - either: pending or collected → closed (with a reason) by the health worker.
 */
export function nextFollowUpState(action: FollowUpAction, state: FollowUpState, e: FollowUpEvent): Transition {
  if (isFinished(state)) return { ok: false, reason: 'finished' };
  switch (e.type) {
    case 'close':
      return { ok: true, state: 'closed' };
    case 'collected':
      if (action !== 'resample') return { ok: false, reason: 'not_applicable' };
      return { ok: true, state: 'collected' };
    case 'result':
      if (action === 'resample' && state !== 'collected') return { ok: false, reason: 'not_collected' };
      if (e.outcome === 'invalid') return { ok: true, state: 'pending' };
      return { ok: true, state: e.outcome };
  }
}

/** The follow-up a pool's method calls for. */
export function followUpAction(poolMethod: 'collection' | 'lab'): FollowUpAction {
  return poolMethod === 'lab' ? 'retest' : 'resample';
}
