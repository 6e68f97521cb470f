// Checks on what staff enter about cases and contacts, before anything is written. Each returns
// field errors in the shape the API sends ({ field, code }); an empty list means valid.
export interface FieldError {
  field: string;
  code: string;
}

export interface CaseDates {
  reportDate: string;
  onsetDate?: string | null;
  sampleDate?: string | null;
  outcomeDate?: string | null;
}

/** No date in the future; onset and sample not after the report; outcome not before the report. */
export function validateCaseDates(d: CaseDates, today: string): FieldError[] {
  const errors: FieldError[] = [];
  const future = (field: keyof CaseDates) => {
    const v = d[field];
    if (v && v > today) errors.push({ field, code: 'in_future' });
  };
  (['reportDate', 'onsetDate', 'sampleDate', 'outcomeDate'] as const).forEach(future);
  if (d.onsetDate && d.onsetDate > d.reportDate) errors.push({ field: 'onsetDate', code: 'after_report' });
  if (d.sampleDate && d.sampleDate > d.reportDate) errors.push({ field: 'sampleDate', code: 'after_report' });
  if (d.outcomeDate && d.outcomeDate < d.reportDate) errors.push({ field: 'outcomeDate', code: 'before_report' });
  return errors;
}

export interface ContactLink {
  personId: number;
  /** The chain above the source, from the root case down to the source's source (person ids). */
  sourceChain: number[];
  sourcePersonId: number;
  exposureDate: string;
}

/**
 * An exposure recorded for a person: not of themselves, not in the future, and not closing a loop
 * (the person exposed cannot be the source's own source up the chain).
 */
export function validateContactLink(c: ContactLink, today: string): FieldError[] {
  const errors: FieldError[] = [];
  if (c.personId === c.sourcePersonId) errors.push({ field: 'personId', code: 'self_contact' });
  else if (c.sourceChain.includes(c.personId)) errors.push({ field: 'personId', code: 'cycle' });
  if (c.exposureDate > today) errors.push({ field: 'exposureDate', code: 'in_future' });
  return errors;
}
