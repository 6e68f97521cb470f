// A contact who is not in the population registry yet (a visitor, someone registered elsewhere):
// checked like a registry row, matched against the registry first — the CCCD is decisive, a phone
// or the same name and birth date must be confirmed as a different person — then added.
// Placed in another commune (a contact handed over to it), the tracer is told only that the
// receiving commune may already have them, never who.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../db/index.ts';
import { AppError, badRequest } from '../../errors.ts';
import type { Scope } from '../units/store.ts';
import { normalizeName, normalizePhone, parseCalendarDate, searchKey, validateCccd } from '../../../domain/people/normalize.ts';
import type { FieldError } from '../../../domain/cases/validate.ts';
import { needsHandover } from '../../../domain/cases/handover.ts';

export interface NewPersonInput {
  fullName: string;
  birthDate?: string | null;
  sex?: 'M' | 'F' | null;
  cccd?: string | null;
  phone?: string | null;
  /** Commune or village of residence, inside the user's jurisdiction. */
  unitCode: string;
  address?: string | null;
  /** The officer checked the proposed matches and this is someone else. */
  confirmNew?: boolean;
}

export async function addTracedPerson(q: Queryable, scope: Scope, p: NewPersonInput, field: string, today: string, opts: { outside?: boolean } = {}): Promise<number> {
  const errors: FieldError[] = [];
  const fullName = normalizeName(p.fullName);
  if (fullName.length < 2) errors.push({ field: `${field}.fullName`, code: 'too_short' });
  const birthDate = p.birthDate ? parseCalendarDate(p.birthDate) : null;
  if (p.birthDate && (!birthDate || birthDate > today)) errors.push({ field: `${field}.birthDate`, code: !birthDate ? 'invalid_date' : 'in_future' });
  let cccd: string | null = null;
  if (p.cccd) {
    const v = validateCccd(p.cccd, { birthDate, sex: p.sex ?? null });
    if (v.ok) cccd = v.value;
    else errors.push({ field: `${field}.cccd`, code: 'invalid' });
  }
  const phone = p.phone ? normalizePhone(p.phone) : null;
  if (p.phone && !phone) errors.push({ field: `${field}.phone`, code: 'invalid' });
  // Inside the jurisdiction; or, for a hand-over, any commune or village of the province outside it.
  const unit = await q.query<{ code: string; level: string; path: string; parentCode: string | null }>(
    `SELECT code, level, path, parent_code AS "parentCode" FROM admin_unit WHERE province_code = $1 AND code = $2 AND ($4 OR path LIKE $3 || '%')`,
    [scope.provinceCode, p.unitCode, scope.path, opts.outside === true],
  );
  const u = unit.rows[0];
  if (!u || (u.level !== 'commune' && u.level !== 'village')) errors.push({ field: `${field}.unitCode`, code: 'unknown' });
  else if (opts.outside && !needsHandover(u.path, scope.path)) errors.push({ field: `${field}.unitCode`, code: 'in_jurisdiction' });
  if (errors.length) throw badRequest(errors);

  const key = searchKey(fullName);
  const matches = await q.query<{ id: number; sameCccd: boolean; inScope: boolean }>(
    `SELECT id, (cccd IS NOT NULL AND cccd = $2) AS "sameCccd", unit_path LIKE $6 || '%' AS "inScope" FROM person
      WHERE province_code = $1 AND ((cccd IS NOT NULL AND cccd = $2) OR (phone IS NOT NULL AND phone = $3) OR (birth_date IS NOT NULL AND birth_date = $4 AND name_search = $5))
      ORDER BY (cccd IS NOT NULL AND cccd = $2) DESC, id LIMIT 10`,
    [scope.provinceCode, cccd, phone, birthDate, key, scope.path],
  );
  const sameCccd = matches.rows.find((m) => m.sameCccd);
  // The CCCD names one person: use the record there is (it may live outside the officer's area: then say only that it exists).
  if (sameCccd) throw new AppError(409, 'conflict', [{ field: `${field}.cccd`, code: 'exists', message: sameCccd.inScope ? String(sameCccd.id) : undefined }]);
  const visible = matches.rows.filter((m) => m.inScope);
  if (visible.length && !p.confirmNew) throw new AppError(409, 'conflict', visible.map((m) => ({ field, code: 'possible_duplicate', message: String(m.id) })));
  const communeCode = u.level === 'commune' ? u.code : u.parentCode!;
  if (opts.outside && !p.confirmNew) {
    // The receiving commune may know them already: the same name with the birth date or the phone typed.
    const there = await q.query(
      `SELECT 1 FROM person WHERE province_code = $1 AND commune_code = $2 AND name_search = $3
          AND ((birth_date IS NOT NULL AND birth_date = $4) OR (phone IS NOT NULL AND phone = $5)) LIMIT 1`,
      [scope.provinceCode, communeCode, key, birthDate, phone],
    );
    if (there.rows.length) throw new AppError(409, 'conflict', [{ field, code: 'possible_duplicate_elsewhere' }]);
  }

  const r = await q.query<{ id: number }>(
    `INSERT INTO person (province_code, natural_key, cccd, full_name, name_search, birth_date, sex, phone, commune_code, village_code, unit_path, address)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
    [scope.provinceCode, cccd ?? `traced:${randomUUID()}`, cccd, fullName, key, birthDate, p.sex ?? null, phone, communeCode, u.level === 'village' ? u.code : null, u.path, p.address ?? null],
  );
  return Number(r.rows[0].id);
}
