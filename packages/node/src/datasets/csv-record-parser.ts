/** A CSV syntax or size problem, at a 1-based line and column (field number) of the text. */
export class CsvSyntaxError extends SyntaxError {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
    readonly tooLarge = false,
  ) {
    super(message);
  }
}

/** Limits that keep one hostile record from taking all memory. */
export interface CsvParserLimits {
  /** Longest field, in characters (default 1 048 576). */
  maxFieldLength?: number;
  /** Longest record, in characters over all its fields (default 16 777 216). */
  maxRecordLength?: number;
}

export const DEFAULT_MAX_FIELD_LENGTH = 1 << 20;
export const DEFAULT_MAX_RECORD_LENGTH = 1 << 24;

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** A quote inside a quoted field: it either escapes the next quote or closes the field. */
  QuoteSeen,
}

/**
 * An incremental RFC 4180 parser: feed it text in chunks of any size and it returns the complete
 * records so far. Handles quoted fields (with `""` escapes and line breaks inside), CRLF and LF.
 * Text after a closing quote (`"1"2`) and a quote inside an unquoted field (`1"2`) are errors,
 * not silently joined. Fields are sliced from the chunk rather than built a character at a time, and
 * the length limits are checked as text arrives, so memory stays proportional to the limits.
 *
 * @example
 * ```ts
 * const parser = new CsvRecordParser(',');
 * parser.push('a,"b\n'); // []
 * parser.push('c"\n1,2'); // [{ fields: ['a', 'b\nc'], line: 1 }]
 * parser.end(); // [{ fields: ['1', '2'], line: 3 }]
 * ```
 */
export class CsvRecordParser {
  private pieces: string[] = [];
  private fieldLength = 0;
  private recordLength = 0;
  private record: string[] = [];
  private state = State.FieldStart;
  private afterCr = false;
  private line = 1;
  private recordLine = 1;
  private fieldLine = 1;
  private readonly delimiter: number;
  private readonly maxField: number;
  private readonly maxRecord: number;

  constructor(delimiter = ',', limits: CsvParserLimits = {}) {
    if (
      typeof delimiter !== 'string' ||
      delimiter.length !== 1 ||
      delimiter === '"' ||
      delimiter === '\n' ||
      delimiter === '\r'
    ) {
      throw new RangeError(
        `CSV delimiter must be one character other than a quote or line break, got ${JSON.stringify(delimiter)}.`,
      );
    }
    this.delimiter = delimiter.charCodeAt(0);
    this.maxField = limits.maxFieldLength ?? DEFAULT_MAX_FIELD_LENGTH;
    this.maxRecord = limits.maxRecordLength ?? DEFAULT_MAX_RECORD_LENGTH;
  }

  /** Parses `text` and returns the records it completed, each with the line it started on. */
  push(text: string): Array<{ fields: string[]; line: number }> {
    const done: Array<{ fields: string[]; line: number }> = [];
    const n = text.length;
    let i = 0;
    while (i < n) {
      if (this.afterCr) {
        this.afterCr = false;
        if (text.charCodeAt(i) === LF) {
          i++;
          continue;
        }
      }
      switch (this.state) {
        case State.FieldStart:
          this.fieldLine = this.line;
          if (text.charCodeAt(i) === QUOTE) {
            this.state = State.Quoted;
            i++;
          } else {
            this.state = State.Unquoted;
          }
          break;
        case State.Unquoted: {
          let j = i;
          for (; j < n; j++) {
            const c = text.charCodeAt(j);
            if (c === this.delimiter || c === CR || c === LF || c === QUOTE) break;
          }
          this.append(text, i, j);
          if (j === n) return done;
          const c = text.charCodeAt(j);
          if (c === QUOTE)
            throw this.error(
              `line ${this.line}, column ${this.record.length + 1}: a quote inside an unquoted field; ` +
                'quote the whole field and double the quotes inside ("a""b").',
            );
          i = this.endField(c, j, done);
          break;
        }
        case State.Quoted: {
          let j = text.indexOf('"', i);
          if (j < 0) j = n;
          for (let k = text.indexOf('\n', i); k >= 0 && k < j; k = text.indexOf('\n', k + 1)) this.line++;
          this.append(text, i, j);
          if (j === n) return done;
          this.state = State.QuoteSeen;
          i = j + 1;
          break;
        }
        case State.QuoteSeen: {
          const c = text.charCodeAt(i);
          if (c === QUOTE) {
            this.append('"', 0, 1);
            this.state = State.Quoted;
            i++;
          } else if (c === this.delimiter || c === CR || c === LF) {
            i = this.endField(c, i, done);
          } else {
            throw this.error(
              `line ${this.line}, column ${this.record.length + 1}: ` +
                `text after the closing quote of a quoted field (${JSON.stringify(text.slice(i, i + 20))}). ` +
                'A quoted field must end at a delimiter or line break; double a quote inside it ("").',
            );
          }
          break;
        }
      }
    }
    return done;
  }

  /** Ends the input; returns the last record if the text did not end with a line break. */
  end(): Array<{ fields: string[]; line: number }> {
    const done: Array<{ fields: string[]; line: number }> = [];
    if (this.state === State.Quoted)
      throw this.error(
        `line ${this.fieldLine}, column ${this.record.length + 1}: the text ends inside the quoted field that starts here. Close the quote.`,
      );
    if (this.state !== State.FieldStart || this.record.length > 0) {
      this.record.push(this.takeField());
      this.finishRecord(done);
    }
    this.state = State.FieldStart;
    return done;
  }

  /** Ends the field at the delimiter or line break `c` found at `at`; returns where to go on. */
  private endField(c: number, at: number, done: Array<{ fields: string[]; line: number }>): number {
    this.record.push(this.takeField());
    this.state = State.FieldStart;
    if (c !== this.delimiter) {
      this.finishRecord(done);
      this.afterCr = c === CR;
      this.line++;
      this.recordLine = this.line;
    }
    return at + 1;
  }

  private append(text: string, from: number, to: number): void {
    if (to <= from) return;
    const length = to - from;
    this.fieldLength += length;
    this.recordLength += length;
    if (this.fieldLength > this.maxField)
      throw this.error(
        `line ${this.fieldLine}, column ${this.record.length + 1}: ` +
          `a field longer than ${this.maxField} characters. ` +
          'Is a quote left open? Raise the limit with `maxFieldLength` if the data is right.',
        true,
      );
    if (this.recordLength > this.maxRecord)
      throw this.error(
        `line ${this.recordLine}: a record longer than ${this.maxRecord} characters. Raise the limit with \`maxRecordLength\` if the data is right.`,
        true,
      );
    this.pieces.push(from === 0 && to === text.length ? text : text.slice(from, to));
  }

  private takeField(): string {
    const field = this.pieces.length === 1 ? (this.pieces[0] as string) : this.pieces.join('');
    this.pieces = [];
    this.fieldLength = 0;
    return field;
  }

  private finishRecord(done: Array<{ fields: string[]; line: number }>): void {
    const record = this.record;
    this.record = [];
    this.recordLength = 0;
    // Blank lines carry no data.
    if (record.length === 1 && record[0] === '') return;
    done.push({ fields: record, line: this.recordLine });
  }

  private error(message: string, tooLarge = false): CsvSyntaxError {
    return new CsvSyntaxError(message, this.line, this.record.length + 1, tooLarge);
  }
}
