// Two records of the registry that may be the same person, and what merging them keeps.
// Tracing finds the same person twice (registered at home and where they work, entered by two
// teams): the CCCD is decisive, a shared phone or the same name and birth date are hints.
import { searchKey } from './normalize.ts';

export interface PersonFacts {
  id: number;
  cccd: string | null;
  phone: string | null;
  fullName: string;
  birthDate: string | null;
  sex: 'M' | 'F' | null;
  householdId: string | null;
  address: string | null;
}

export type DuplicateReason = 'cccd' | 'phone' | 'name_birth';

export function duplicateReasons(a: PersonFacts, b: PersonFacts): DuplicateReason[] {
  if (a.id === b.id) return [];
  const out: DuplicateReason[] = [];
  if (a.cccd && a.cccd === b.cccd) out.push('cccd');
  if (a.phone && a.phone === b.phone) out.push('phone');
  if (a.birthDate && a.birthDate === b.birthDate && searchKey(a.fullName) === searchKey(b.fullName)) out.push('name_birth');
  return out;
}

export type MergeConflict = 'different_cccd' | 'different_birth_date' | 'different_sex';

/** Facts that cannot both be true: two CCCDs, two birth dates, two sexes. Staff must correct one record first. */
export function mergeConflicts(keep: PersonFacts, drop: PersonFacts): MergeConflict[] {
  const out: MergeConflict[] = [];
  if (keep.cccd && drop.cccd && keep.cccd !== drop.cccd) out.push('different_cccd');
  if (keep.birthDate && drop.birthDate && keep.birthDate !== drop.birthDate) out.push('different_birth_date');
  if (keep.sex && drop.sex && keep.sex !== drop.sex) out.push('different_sex');
  return out;
}

/** The kept record, with its blanks filled from the merged one. */
export function mergedFacts(keep: PersonFacts, drop: PersonFacts): PersonFacts {
  return {
    ...keep,
    cccd: keep.cccd ?? drop.cccd,
    phone: keep.phone ?? drop.phone,
    birthDate: keep.birthDate ?? drop.birthDate,
    sex: keep.sex ?? drop.sex,
    householdId: keep.householdId ?? drop.householdId,
    address: keep.address ?? drop.address,
  };
}
