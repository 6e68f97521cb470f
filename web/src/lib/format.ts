// Numbers the way province staff read them: 1.234.567 (Vietnamese) or 1,234,567 (English). Dates
// are day-first in both languages (lib/dates.ts), so a date never changes meaning with the language.
import { currentLang } from '../i18n/index.ts';

export { ageOn, formatDate, formatDateTime, formatPhone, parseDayFirstDate, todayInVietnam } from './dates.ts';

const locale = () => (currentLang() === 'en' ? 'en-GB' : 'vi-VN');

const numberFormats = new Map<string, Intl.NumberFormat>();
function nf(digits: number) {
  const key = `${locale()}|${digits}`;
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale(), { maximumFractionDigits: digits, minimumFractionDigits: 0 });
    numberFormats.set(key, f);
  }
  return f;
}

export function formatNumber(n: number | null | undefined, digits = 0): string {
  if (n == null || !Number.isFinite(n)) return '—';
  return nf(digits).format(n);
}
