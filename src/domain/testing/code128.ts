// Code 128 (ISO/IEC 15417) for specimen labels, drawn as bars by the label PDF. Code set B for
// text, code set C (two digits per symbol) for runs of digits long enough to pay for the switch.

/** Bar/space widths in modules for symbol values 0–106 (each 11 modules; the stop, 106, 13 with its final bar). */
export const CODE128_PATTERNS = [
  '212222', '222122', '222221', '121223', '121322', '131222', '122213', '122312', '132212', '221213',
  '221312', '231212', '112232', '122132', '122231', '113222', '123122', '123221', '223211', '221132',
  '221231', '213212', '223112', '312131', '311222', '321122', '321221', '312212', '322112', '322211',
  '212123', '212321', '232121', '111323', '131123', '131321', '112313', '132113', '132311', '211313',
  '231113', '231311', '112133', '112331', '132131', '113123', '113321', '133121', '313121', '211331',
  '231131', '213113', '213311', '213131', '311123', '311321', '331121', '312113', '312311', '332111',
  '314111', '221411', '431111', '111224', '111422', '121124', '121421', '141122', '141221', '112214',
  '112412', '122114', '122411', '142112', '142211', '241211', '221114', '413111', '241112', '134111',
  '111242', '121142', '121241', '114212', '124112', '124211', '411212', '421112', '421211', '212141',
  '214121', '412121', '111143', '111341', '131141', '114113', '114311', '411113', '411311', '113141',
  '114131', '311141', '411131', '211412', '211214', '211232', '2331112',
];

const START_B = 104;
const START_C = 105;
const CODE_B = 100;
const CODE_C = 99;
const STOP = 106;

const digitRun = (s: string, i: number) => {
  let j = i;
  while (j < s.length && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
  return j - i;
};

/** Symbol values of a text (start, data, check symbol, stop). Printable ASCII only. */
export function code128Values(text: string): number[] {
  if (!text.length) throw new Error('empty');
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    if (c < 32 || c > 126) throw new Error(`character not in code set B: ${JSON.stringify(ch)}`);
  }
  const values: number[] = [];
  let set: 'B' | 'C';
  let i = 0;
  const lead = digitRun(text, 0);
  if (lead >= 4) {
    set = 'C';
    values.push(START_C);
  } else {
    set = 'B';
    values.push(START_B);
  }
  while (i < text.length) {
    if (set === 'C') {
      if (digitRun(text, i) >= 2) {
        values.push(Number(text.slice(i, i + 2)));
        i += 2;
        continue;
      }
      values.push(CODE_B);
      set = 'B';
      continue;
    }
    const run = digitRun(text, i);
    // Worth switching: 6+ digits inside the text, 4+ at its end. An odd run keeps its first digit in B.
    if (run >= 6 || (run >= 4 && i + run === text.length)) {
      if (run % 2 === 1) {
        values.push(text.charCodeAt(i) - 32);
        i++;
      }
      values.push(CODE_C);
      set = 'C';
      continue;
    }
    values.push(text.charCodeAt(i) - 32);
    i++;
  }
  let check = values[0];
  for (let k = 1; k < values.length; k++) check += values[k] * k;
  values.push(check % 103, STOP);
  return values;
}

/** Module widths, alternating bar and space, starting with a bar; quiet zones not included. */
export function code128Widths(text: string): number[] {
  const out: number[] = [];
  for (const v of code128Values(text)) for (const ch of CODE128_PATTERNS[v]) out.push(Number(ch));
  return out;
}
