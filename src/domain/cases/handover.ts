// Handing a traced contact over to the commune they live in: when a hand-over is needed, how the
// tracer identifies someone of another commune without browsing its registry (an exact identity,
// never a search), and what the receiving commune may answer. No I/O here.
import { normalizeName, normalizePhone, parseCalendarDate, searchKey, validateCccd } from '../people/normalize.ts';
import type { TracingDueHours } from './policies.ts';
import type { FieldError } from './validate.ts';

/** A person of another commune as the tracer typed them. */
export interface IdentityInput {
  fullName: string;
  cccd?: string | null;
  phone?: string | null;
  birthDate?: string | null;
}

/**
 * An exact identity: the CCCD alone names one person; otherwise the phone, the name (compared
 * without diacritics or case) and the birth date must all match.
 */
export type Identity =
  | { by: 'cccd'; fullName: string; cccd: string }
  | { by: 'phone_name_birth'; fullName: string; nameKey: string; phone: string; birthDate: string };

export function parseIdentity(input: IdentityInput, today: string): { ok: true; identity: Identity } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const fullName = normalizeName(input.fullName ?? '');
  if (fullName.length < 2) errors.push({ field: 'fullName', code: 'too_short' });
  if (input.cccd) {
    const v = validateCccd(input.cccd);
    if (!v.ok) errors.push({ field: 'cccd', code: 'invalid' });
    if (errors.length) return { ok: false, errors };
    return { ok: true, identity: { by: 'cccd', fullName, cccd: (v as { value: string }).value } };
  }
  const phone = input.phone ? normalizePhone(input.phone) : null;
  if (!input.phone) errors.push({ field: 'phone', code: 'required' });
  else if (!phone) errors.push({ field: 'phone', code: 'invalid' });
  const birthDate = input.birthDate ? parseCalendarDate(input.birthDate) : null;
  if (!input.birthDate) errors.push({ field: 'birthDate', code: 'required' });
  else if (!birthDate) errors.push({ field: 'birthDate', code: 'invalid_date' });
  else if (birthDate > today) errors.push({ field: 'birthDate', code: 'in_future' });
  if (errors.length) return { ok: false, errors };
  return { ok: true, identity: { by: 'phone_name_birth', fullName, nameKey: searchKey(fullName), phone: phone!, birthDate: birthDate! } };
}

export interface IdentityCandidate {
  id: number;
  cccd: string | null;
  nameKey: string;
  phone: string | null;
  birthDate: string | null;
}

/** The one registry person the identity names, or why not (none, or several: ask for the CCCD). */
export function matchIdentity<C extends IdentityCandidate>(identity: Identity, candidates: C[]): { match: 'one'; person: C } | { match: 'none' } | { match: 'ambiguous' } {
  const hits =
    identity.by === 'cccd'
      ? candidates.filter((c) => c.cccd === identity.cccd)
      : candidates.filter((c) => c.phone === identity.phone && c.birthDate === identity.birthDate && c.nameKey === identity.nameKey);
  if (hits.length === 1) return { match: 'one', person: hits[0] };
  return hits.length ? { match: 'ambiguous' } : { match: 'none' };
}

/** Someone living outside the user's jurisdiction is handed over; inside it, the user follows them up. */
export function needsHandover(residencePath: string, jurisdictionPath: string): boolean {
  return !residencePath.startsWith(jurisdictionPath);
}

export const HANDOVER_STATUSES = ['pending', 'accepted', 'returned'] as const;
export type HandoverStatus = (typeof HANDOVER_STATUSES)[number];

/** Why a receiving commune gives a hand-over back. */
export const RETURN_REASONS = ['not_resident', 'not_found', 'already_followed', 'wrong_identity', 'other'] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];

export type HandoverAnswer = { action: 'accept'; note?: string | null } | { action: 'return'; reason: ReturnReason; note?: string | null };

/**
 * What an answer does to a hand-over in a given state. Pending → accepted or returned; the same
 * answer again is a replay (nothing changes, the request succeeds); the other answer after one
 * was given is refused (an accepted contact is followed by the receiver, a returned one is back
 * with the sender).
 */
export function answerTransition(
  status: HandoverStatus,
  answer: HandoverAnswer,
): { ok: true; replay: boolean; next: HandoverStatus } | { ok: false; kind: 'bad_input' | 'state'; errors: FieldError[] } {
  if (answer.action === 'return') {
    if (answer.reason === 'other' && (answer.note ?? '').trim().length < 3) return { ok: false, kind: 'bad_input', errors: [{ field: 'note', code: 'required' }] };
  }
  const next: HandoverStatus = answer.action === 'accept' ? 'accepted' : 'returned';
  if (status === 'pending') return { ok: true, replay: false, next };
  if (status === next) return { ok: true, replay: true, next };
  return { ok: false, kind: 'state', errors: [{ field: 'status', code: status === 'accepted' ? 'already_accepted' : 'already_returned' }] };
}

/** The sender may hand a contact over again only after it was returned and while no other hand-over of it is open. */
export function canResend(status: HandoverStatus, openHandoverOfContact: boolean): FieldError[] {
  if (status !== 'returned') return [{ field: 'status', code: status === 'pending' ? 'already_handed_over' : 'already_accepted' }];
  if (openHandoverOfContact) return [{ field: 'contactId', code: 'already_handed_over' }];
  return [];
}

/** Hours the receiving commune has to answer: the policy's own figure, or else the time to call a contact. */
export function receiveDueHours(policy: TracingDueHours): number {
  return policy.receiveHandover ?? policy.callContact;
}
