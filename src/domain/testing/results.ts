// Laboratory results: what a lab enters or its machine exports (an outcome, a Ct value or both),
// checked against the PCR interpretation policy; how a new result compares with the one already
// recorded (same: nothing to do; after an invalid run: replaces it; different: a conflict held
// for review); and the rows of an import file, one sample per barcode.
import { normalizeBarcode } from './barcode.ts';

export const OUTCOMES = ['positive', 'negative', 'invalid'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface PcrInterpretation {
  /** A Ct at or below this is positive; above it (or no amplification) negative. */
  positiveCtMax: number;
  /** Below this Ct a positive is considered infectious (release and transmission rules). */
  infectiousCtMax: number;
}

export type ResultIssue =
  | 'result_required'
  | 'unknown_result'
  | 'ct_invalid'
  | 'ct_out_of_range'
  | 'ct_inconsistent'
  | 'barcode_required'
  | 'barcode_invalid'
  | 'tested_at_invalid'
  | 'tested_at_future'
  | 'conflicting_rows';

const strip = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .trim()
    .replace(/\s+/g, ' ');

const OUTCOME_WORDS: Record<string, Outcome> = {
  positive: 'positive', pos: 'positive', '+': 'positive', '(+)': 'positive', detected: 'positive', 'duong tinh': 'positive',
  negative: 'negative', neg: 'negative', '-': 'negative', '(-)': 'negative', 'not detected': 'negative', 'am tinh': 'negative',
  invalid: 'invalid', inv: 'invalid', 'khong hop le': 'invalid', 'khong xac dinh duoc': 'invalid', loi: 'invalid', error: 'invalid', failed: 'invalid',
};

/** An outcome from a lab's words (Vietnamese with or without diacritics, English, +/−); undefined for a blank, null when not understood. */
export function parseOutcome(raw: unknown): Outcome | null | undefined {
  if (raw == null) return undefined;
  const s = strip(String(raw));
  if (!s) return undefined;
  return OUTCOME_WORDS[s] ?? null;
}

/** No amplification as exported by PCR machines. */
const NO_CT = new Set(['undetermined', 'undet', 'n/a', 'na', 'no ct', 'no cq', '-', '—', 'khong', 'neg', 'negative', 'not detected']);

/** A Ct value: a number (comma or point decimal), null for "no amplification", undefined for blank, NaN when not a number. */
export function parseCt(raw: unknown): number | null | undefined {
  if (raw == null) return undefined;
  if (typeof raw === 'number') return raw;
  const s = strip(String(raw));
  if (!s) return undefined;
  if (NO_CT.has(s)) return null;
  if (!/^\d{1,2}([.,]\d{1,4})?$/.test(s)) return Number.NaN;
  return Number(s.replace(',', '.'));
}

export interface ResultInput {
  outcome?: Outcome | null;
  /** Ct of the sample; null = no amplification. */
  ct?: number | null;
}

export type Interpreted = { ok: true; outcome: Outcome; ct: number | null } | { ok: false; issue: ResultIssue };

/**
 * The outcome of a result: as given, or from the Ct by the policy threshold. A Ct that contradicts
 * the given outcome (a "positive" at Ct 42 under a threshold of 40) is refused, not guessed.
 */
export function interpretResult(r: ResultInput, policy: PcrInterpretation): Interpreted {
  const ct = r.ct ?? null;
  if (ct != null && !Number.isFinite(ct)) return { ok: false, issue: 'ct_invalid' };
  if (ct != null && (ct < 0 || ct > 50)) return { ok: false, issue: 'ct_out_of_range' };
  if (r.outcome == null) {
    if (r.ct === undefined) return { ok: false, issue: 'result_required' };
    return { ok: true, outcome: ct != null && ct <= policy.positiveCtMax ? 'positive' : 'negative', ct };
  }
  if (r.outcome === 'positive' && ct != null && ct > policy.positiveCtMax) return { ok: false, issue: 'ct_inconsistent' };
  if (r.outcome === 'negative' && ct != null && ct <= policy.positiveCtMax) return { ok: false, issue: 'ct_inconsistent' };
  return { ok: true, outcome: r.outcome, ct: r.outcome === 'invalid' ? null : ct };
}

export type Comparison = 'new' | 'same' | 'replaces_invalid' | 'conflict';

/** A new result against the sample's current one. */
export function compareResult(current: { outcome: Outcome; ct: number | null } | null, incoming: { outcome: Outcome; ct: number | null }): Comparison {
  if (!current) return 'new';
  const sameCt = current.ct == null ? incoming.ct == null : incoming.ct != null && Math.abs(current.ct - incoming.ct) < 0.05;
  if (current.outcome === incoming.outcome && (sameCt || current.outcome === 'invalid')) return 'same';
  if (current.outcome === 'invalid') return 'replaces_invalid';
  return 'conflict';
}

// ---- import files ----

export const RESULT_COLUMNS = ['barcode', 'result', 'ct', 'tested_at', 'target'] as const;
export type ResultColumn = (typeof RESULT_COLUMNS)[number];

const HEADER_WORDS: Record<ResultColumn, string[]> = {
  barcode: ['barcode', 'ma mau', 'ma vach', 'ma ong', 'sample', 'sample name', 'sample id', 'specimen', 'ma xet nghiem'],
  result: ['result', 'ket qua', 'outcome', 'call', 'interpretation', 'ket luan'],
  ct: ['ct', 'cq', 'ct value', 'gia tri ct', 'c t', 'ct mean', 'cq mean'],
  tested_at: ['tested_at', 'tested at', 'ngay xet nghiem', 'thoi gian xet nghiem', 'run date', 'date', 'ngay', 'thoi gian'],
  target: ['target', 'target name', 'gen', 'gene', 'dich', 'detector'],
};

export const RESULT_COLUMN_LABELS: Record<ResultColumn, { vi: string; en: string }> = {
  barcode: { vi: 'Mã mẫu', en: 'Barcode' },
  result: { vi: 'Kết quả', en: 'Result' },
  ct: { vi: 'Ct', en: 'Ct' },
  tested_at: { vi: 'Thời gian xét nghiệm', en: 'Tested at' },
  target: { vi: 'Gen đích', en: 'Target' },
};

export type ResultHeaderMap = Partial<Record<ResultColumn, number>>;

/** Finds the columns by their names; a barcode and a result or Ct column are required. */
export function mapResultHeaders(headers: readonly unknown[]): { ok: true; map: ResultHeaderMap } | { ok: false; missing: ('barcode' | 'result_or_ct')[] } {
  const map: ResultHeaderMap = {};
  headers.forEach((h, i) => {
    const s = strip(String(h ?? '')).replace(/[_:]/g, ' ').replace(/\s+/g, ' ').trim();
    for (const col of RESULT_COLUMNS) {
      if (map[col] !== undefined) continue;
      if (HEADER_WORDS[col].some((w) => w.replace(/_/g, ' ') === s)) {
        map[col] = i;
        break;
      }
    }
  });
  const missing: ('barcode' | 'result_or_ct')[] = [];
  if (map.barcode === undefined) missing.push('barcode');
  if (map.result === undefined && map.ct === undefined) missing.push('result_or_ct');
  return missing.length ? { ok: false, missing } : { ok: true, map };
}

/** Internal-control targets of multiplex kits: they show the run worked, not that the virus is there. */
const CONTROL_TARGET = /^(ic|iac|ipc|internal control|rnase ?p|rp|beta ?actin|human)$/i;

export interface RawResultRow {
  rowNumber: number;
  values: readonly unknown[];
}

export interface SampleResult {
  barcode: string;
  outcome: Outcome;
  ct: number | null;
  testedAt: string | null;
  rowNumbers: number[];
}

export interface RowError {
  rowNumber: number;
  column: ResultColumn | null;
  issue: ResultIssue;
}

function parseInstant(raw: unknown, now: Date): { ok: true; at: string | null } | { ok: false; issue: ResultIssue } {
  if (raw == null || String(raw).trim() === '') return { ok: true, at: null };
  let t: number;
  if (raw instanceof Date) t = raw.getTime();
  else {
    const s = String(raw).trim();
    const vn = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(s);
    if (vn) {
      const [, d, m, y, hh = '0', mm = '0', ss = '0'] = vn;
      // dd/mm/yyyy hh:mm in Viet Nam (UTC+7)
      t = Date.UTC(Number(y), Number(m) - 1, Number(d), Number(hh) - 7, Number(mm), Number(ss));
      const back = new Date(t + 7 * 3_600_000);
      if (back.getUTCDate() !== Number(d) || back.getUTCMonth() !== Number(m) - 1) return { ok: false, issue: 'tested_at_invalid' };
    } else if (/^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(s)) {
      const iso = s.replace(' ', 'T');
      t = Date.parse(/T/.test(iso) && !/(Z|[+-]\d{2}:?\d{2})$/.test(iso) ? iso + '+07:00' : /T/.test(iso) ? iso : iso + 'T00:00:00+07:00');
    } else return { ok: false, issue: 'tested_at_invalid' };
  }
  if (!Number.isFinite(t)) return { ok: false, issue: 'tested_at_invalid' };
  if (t > now.getTime() + 10 * 60_000) return { ok: false, issue: 'tested_at_future' };
  return { ok: true, at: new Date(t).toISOString() };
}

/**
 * Turns the rows of a lab export into one result per sample. Machines write one row per target
 * gene: a sample is positive when any viral target is, invalid when nothing amplified including
 * the internal control, negative otherwise. Rows that cannot be read are reported by number;
 * rows of one barcode that contradict each other (a "negative" and a "positive" row given as
 * results) are reported too, and that sample is left out.
 */
export function samplesFromRows(rows: RawResultRow[], map: ResultHeaderMap, policy: PcrInterpretation, now: Date): { samples: SampleResult[]; errors: RowError[] } {
  const errors: RowError[] = [];
  type Part = { rowNumber: number; outcome: Outcome | undefined; ct: number | null | undefined; control: boolean; target: string; testedAt: string | null };
  const byBarcode = new Map<string, Part[]>();
  for (const row of rows) {
    const cell = (c: ResultColumn) => (map[c] === undefined ? undefined : row.values[map[c]!]);
    const rawBarcode = cell('barcode');
    if (rawBarcode == null || String(rawBarcode).trim() === '') {
      errors.push({ rowNumber: row.rowNumber, column: 'barcode', issue: 'barcode_required' });
      continue;
    }
    const barcode = normalizeBarcode(String(rawBarcode));
    if (!barcode) {
      errors.push({ rowNumber: row.rowNumber, column: 'barcode', issue: 'barcode_invalid' });
      continue;
    }
    const outcome = parseOutcome(cell('result'));
    if (outcome === null) {
      errors.push({ rowNumber: row.rowNumber, column: 'result', issue: 'unknown_result' });
      continue;
    }
    const ct = parseCt(cell('ct'));
    if (ct !== undefined && ct !== null && Number.isNaN(ct)) {
      errors.push({ rowNumber: row.rowNumber, column: 'ct', issue: 'ct_invalid' });
      continue;
    }
    if (outcome === undefined && ct === undefined) {
      errors.push({ rowNumber: row.rowNumber, column: 'result', issue: 'result_required' });
      continue;
    }
    const at = parseInstant(cell('tested_at'), now);
    if (!at.ok) {
      errors.push({ rowNumber: row.rowNumber, column: 'tested_at', issue: at.issue });
      continue;
    }
    const target = cell('target');
    const control = target != null && CONTROL_TARGET.test(String(target).trim());
    const one = control ? { ok: true as const, outcome: 'negative' as Outcome, ct: ct ?? null } : interpretResult({ outcome, ct }, policy);
    if (!one.ok) {
      errors.push({ rowNumber: row.rowNumber, column: one.issue.startsWith('ct') ? 'ct' : 'result', issue: one.issue });
      continue;
    }
    const list = byBarcode.get(barcode) ?? [];
    list.push({ rowNumber: row.rowNumber, outcome: control ? undefined : one.outcome, ct, control, target: target == null ? '' : strip(String(target)), testedAt: at.at });
    byBarcode.set(barcode, list);
  }
  const samples: SampleResult[] = [];
  for (const [barcode, parts] of byBarcode) {
    const viral = parts.filter((p) => !p.control);
    const controls = parts.filter((p) => p.control);
    const rowNumbers = parts.map((p) => p.rowNumber);
    const testedAt = parts.map((p) => p.testedAt).filter((x): x is string => !!x).sort().pop() ?? null;
    // Two rows of one sample for the same target (or without targets) must agree: a repeated line
    // is harmless, a contradiction is reported rather than guessed.
    const perTarget = new Map<string, Set<Outcome | undefined>>();
    for (const p of viral) perTarget.set(p.target, (perTarget.get(p.target) ?? new Set()).add(p.outcome));
    if ([...perTarget.values()].some((set) => set.size > 1)) {
      for (const n of rowNumbers) errors.push({ rowNumber: n, column: 'result', issue: 'conflicting_rows' });
      continue;
    }
    const positives = viral.filter((p) => p.outcome === 'positive');
    let outcome: Outcome;
    let ct: number | null = null;
    if (positives.length) {
      outcome = 'positive';
      const cts = positives.map((p) => p.ct).filter((c): c is number => typeof c === 'number');
      ct = cts.length ? Math.min(...cts) : null;
    } else if (viral.some((p) => p.outcome === 'invalid')) outcome = 'invalid';
    else if (controls.length && controls.every((p) => p.ct == null) && viral.every((p) => p.ct == null)) outcome = 'invalid'; // nothing amplified, not even the control
    else outcome = 'negative';
    samples.push({ barcode, outcome, ct, testedAt, rowNumbers });
  }
  return { samples, errors };
}

export const RESULT_ISSUE_MESSAGES: Record<string, { vi: string; en: string }> = {
  result_required: { vi: 'Thiếu kết quả (hoặc giá trị Ct)', en: 'No result (or Ct value)' },
  unknown_result: { vi: 'Kết quả không rõ: dùng "Âm tính", "Dương tính" hoặc "Không hợp lệ"', en: 'Unknown result: use positive, negative or invalid' },
  ct_invalid: { vi: 'Giá trị Ct không phải là số', en: 'The Ct value is not a number' },
  ct_out_of_range: { vi: 'Giá trị Ct phải từ 0 đến 50', en: 'The Ct value must be between 0 and 50' },
  ct_inconsistent: { vi: 'Giá trị Ct mâu thuẫn với kết quả theo ngưỡng đang áp dụng', en: 'The Ct value contradicts the result under the threshold in force' },
  barcode_required: { vi: 'Thiếu mã mẫu', en: 'No barcode' },
  barcode_invalid: { vi: 'Mã mẫu không hợp lệ', en: 'Invalid barcode' },
  tested_at_invalid: { vi: 'Thời gian xét nghiệm không hợp lệ (dd/mm/yyyy hh:mm)', en: 'Invalid test time (dd/mm/yyyy hh:mm)' },
  tested_at_future: { vi: 'Thời gian xét nghiệm ở tương lai', en: 'Test time in the future' },
  conflicting_rows: { vi: 'Các dòng của cùng một mẫu mâu thuẫn nhau', en: 'Rows of the same sample contradict each other' },
  unknown_barcode: { vi: 'Không có mẫu hoặc mẫu gộp nào mang mã này', en: 'No specimen or pool has this barcode' },
  not_collected: { vi: 'Mã đã in nhưng chưa lấy mẫu', en: 'The label was printed but no sample was collected with it' },
  pooled_specimen: { vi: 'Mẫu nằm trong mẫu gộp: nhập kết quả cho mẫu gộp (chỉ xét nghiệm lại riêng khi mẫu gộp dương tính)', en: 'The specimen is in a pool: enter the pool result (individual retests only after a positive pool)' },
  pool_empty: { vi: 'Mẫu gộp chưa có mẫu nào', en: 'The pool has no members' },
  result_conflict: { vi: 'Khác kết quả đã có: giữ lại để xem xét', en: 'Differs from the recorded result: held for review' },
  specimen_rejected: { vi: 'Mẫu đã bị loại', en: 'The specimen was rejected' },
  outside_jurisdiction: { vi: 'Mẫu ngoài địa bàn của bạn', en: 'The sample is outside your jurisdiction' },
};
