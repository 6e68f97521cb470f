// Every strings file of the web app: no string is defined in two files (one would silently hide
// the other: the epidemic levels' file once hid the unit levels' "cấp xã").
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = new URL('.', import.meta.url).pathname;
type Strings = { [key: string]: string | Strings };

function leaves(o: Strings, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : leaves(v, `${prefix}${k}.`)));
}

function filesOf(lang: 'vi' | 'en') {
  return readdirSync(dir)
    .filter((f) => f === `${lang}.json` || f.endsWith(`.${lang}.json`))
    .map((f) => ({ name: f, keys: leaves(JSON.parse(readFileSync(join(dir, f), 'utf8')) as Strings) }));
}

describe('strings files', () => {
  for (const lang of ['vi', 'en'] as const) {
    it(`${lang}: no string is defined in two files`, () => {
      const where = new Map<string, string>();
      const twice: string[] = [];
      for (const f of filesOf(lang)) for (const k of f.keys) where.has(k) ? twice.push(`${k} (${where.get(k)}, ${f.name})`) : where.set(k, f.name);
      expect(twice).toEqual([]);
    });
  }
});
