// A streaming CSV reader for registry files, several times faster than csv-parse on plain rows
// (csv-parse was the largest single cost of an import). It reads the dialect the import accepted
// with csv-parse — { bom, delimiter, relax_quotes, relax_column_count, skip_empty_lines: false } —
// and gives the same records for any input (csv.test.ts compares the two on generated files):
//   - the record delimiter is the first \r\n, \n or \r met outside quotes, then only that one;
//   - a field starting with a quote is quoted ("" inside is one quote) and may span lines;
//   - a quote elsewhere is an ordinary character; a closing quote followed by anything but a
//     delimiter or the end of the record reopens the field as text beginning with the quote;
//   - an empty line is a record of one empty field; a quote left open at the end is an error.
// Records without any quote (nearly all of a registry) are cut with indexOf and split().

const QUOTE = 34;
const CR = 13;
const LF = 10;

export class CsvError extends Error {
  constructor(
    readonly code: 'quote_not_closed' | 'record_too_large',
    message: string,
  ) {
    super(message);
  }
}

export interface CsvReaderOptions {
  delimiter: string;
  /** Largest record in characters (a runaway quote otherwise buffers the whole file). */
  maxRecordSize?: number;
}

/** Feed text with push(), then end(); each call returns the records completed so far. */
export class CsvReader {
  private readonly delimiter: string;
  private readonly delimiterCode: number;
  private readonly maxRecordSize: number;
  private rest = '';
  private started = false;
  private recordDelimiter: '' | '\n' | '\r\n' | '\r' = '';
  private line = 1;

  constructor(opts: CsvReaderOptions) {
    if (opts.delimiter.length !== 1 || opts.delimiter === '"' || opts.delimiter === '\r' || opts.delimiter === '\n') throw new Error(`unsupported delimiter ${JSON.stringify(opts.delimiter)}`);
    this.delimiter = opts.delimiter;
    this.delimiterCode = opts.delimiter.charCodeAt(0);
    this.maxRecordSize = opts.maxRecordSize ?? 1 << 20;
  }

  push(text: string, out: string[][] = []): string[][] {
    if (!this.started) {
      if (!text) return out;
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // UTF-8 byte order mark
    }
    this.rest = this.rest ? this.rest + text : text;
    this.parse(false, out);
    if (this.rest.length > this.maxRecordSize) {
      throw new CsvError('record_too_large', `Dòng ${this.line} dài quá ${this.maxRecordSize} ký tự (thiếu dấu nháy đóng?) / record at line ${this.line} is longer than ${this.maxRecordSize} characters`);
    }
    return out;
  }

  end(out: string[][] = []): string[][] {
    this.parse(true, out);
    return out;
  }

  private parse(final: boolean, out: string[][]) {
    const s = this.rest;
    const n = s.length;
    let pos = 0;
    // Index of the next quote at or after pos (n when none): a record ending before it is plain.
    let nextQuote = -2;
    while (pos < n) {
      const rd = this.recordDelimiter;
      if (rd) {
        if (nextQuote < pos && nextQuote !== n) {
          nextQuote = s.indexOf('"', pos);
          if (nextQuote < 0) nextQuote = n;
        }
        const end = this.recordEnd(s, pos);
        if (end >= 0 && end < nextQuote) {
          out.push(s.slice(pos, end).split(this.delimiter));
          this.line++;
          pos = end + rd.length;
          continue;
        }
        if (end < 0 && nextQuote === n) {
          if (!final) break;
          out.push(s.slice(pos).split(this.delimiter));
          pos = n;
          break;
        }
      }
      const next = this.general(s, pos, final, out);
      if (next < 0) break;
      pos = next;
    }
    this.rest = pos >= n ? '' : s.slice(pos);
  }

  /** Where the record starting at pos ends (its delimiter's index), -1 when not in the text yet. */
  private recordEnd(s: string, pos: number): number {
    const rd = this.recordDelimiter;
    if (rd === '\n') return s.indexOf('\n', pos);
    if (rd === '\r') return s.indexOf('\r', pos);
    // \r\n: a lone \n is part of a field.
    for (let i = s.indexOf('\n', pos); i >= 0; i = s.indexOf('\n', i + 1)) if (i > pos && s.charCodeAt(i - 1) === CR) return i - 1;
    return -1;
  }

  /** Length of the record delimiter at i (0 if none); discovers it on first sight; -1 when more text is needed to tell. */
  private delimiterAt(s: string, i: number, final: boolean): number {
    const c = s.charCodeAt(i);
    const rd = this.recordDelimiter;
    if (rd) {
      if (rd === '\n') return c === LF ? 1 : 0;
      if (rd === '\r') return c === CR ? 1 : 0;
      if (c !== CR) return 0;
      if (i + 1 >= s.length) return final ? 0 : -1;
      return s.charCodeAt(i + 1) === LF ? 2 : 0;
    }
    if (c === LF) {
      this.recordDelimiter = '\n';
      return 1;
    }
    if (c === CR) {
      if (i + 1 >= s.length && !final) return -1;
      this.recordDelimiter = s.charCodeAt(i + 1) === LF ? '\r\n' : '\r';
      return this.recordDelimiter.length;
    }
    return 0;
  }

  /**
   * One record from pos, field by field (records with quotes, and the first record while the
   * record delimiter is unknown). Returns the position after it, or -1 when the text ends first and
   * more may come.
   */
  private general(s: string, pos: number, final: boolean, out: string[][]): number {
    const n = s.length;
    const delimiter = this.delimiterCode;
    const record: string[] = [];
    let i = pos;
    for (;;) {
      // At the start of a field.
      let field = '';
      let quoted = false;
      if (i < n && s.charCodeAt(i) === QUOTE) {
        quoted = true;
        let seg = i + 1;
        for (;;) {
          const q = s.indexOf('"', seg);
          if (q < 0 || (q + 1 >= n && !final)) {
            if (!final) return -1;
            throw new CsvError('quote_not_closed', `Thiếu dấu nháy đóng ở dòng ${this.line} / a quote opened at line ${this.line} is never closed`);
          }
          if (s.charCodeAt(q + 1) === QUOTE) {
            field += s.slice(seg, q + 1); // "" is one quote
            seg = q + 2;
            continue;
          }
          field += s.slice(seg, q);
          i = q + 1;
          break;
        }
        if (i >= n) {
          record.push(field);
          out.push(record);
          this.countLines(s, pos, n);
          return n;
        }
        const c = s.charCodeAt(i);
        if (c === delimiter) {
          record.push(field);
          i++;
          continue;
        }
        const d = this.delimiterAt(s, i, final);
        if (d < 0) return -1;
        if (d > 0) {
          record.push(field);
          out.push(record);
          this.countLines(s, pos, i + d);
          return i + d;
        }
        field = '"' + field + '"'; // text after a closing quote: both quotes were text, the rest is plain
      }
      // Plain text up to the next delimiter or record delimiter (quotes in it are text).
      let seg = i;
      for (;;) {
        if (i >= n) {
          if (!final) return -1;
          field += s.slice(seg, n);
          if (quoted || record.length || field.length) {
            record.push(field);
            out.push(record);
          }
          this.countLines(s, pos, n);
          return n;
        }
        const c = s.charCodeAt(i);
        if (c === delimiter) {
          record.push(field + s.slice(seg, i));
          i++;
          break;
        }
        if (c === LF || c === CR) {
          const d = this.delimiterAt(s, i, final);
          if (d < 0) return -1;
          if (d > 0) {
            record.push(field + s.slice(seg, i));
            out.push(record);
            this.countLines(s, pos, i + d);
            return i + d;
          }
        }
        i++;
      }
    }
  }

  /** Lines consumed (for error messages): a record with quoted line breaks spans several. */
  private countLines(s: string, from: number, to: number) {
    for (let i = s.indexOf('\n', from); i >= 0 && i < to; i = s.indexOf('\n', i + 1)) this.line++;
    if (this.recordDelimiter === '\r') for (let i = s.indexOf('\r', from); i >= 0 && i < to; i = s.indexOf('\r', i + 1)) this.line++;
  }
}
