/**
 * An incremental RFC 4180 parser: feed it text in chunks of any size and it returns the complete
 * records so far. Handles quoted fields (with `""` escapes and line breaks inside), CRLF and LF.
 */
export class CsvRecordParser {
  private field = '';
  private record: string[] = [];
  private inQuotes = false;
  private quoteSeen = false;
  private afterCr = false;
  private line = 1;
  private recordLine = 1;

  constructor(private readonly delimiter = ',') {
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
      throw new RangeError(
        `CSV delimiter must be one character other than a quote or line break, got ${JSON.stringify(delimiter)}.`,
      );
    }
  }

  /** Parses `text` and returns the records it completed, each with the line it started on. */
  push(text: string): Array<{ fields: string[]; line: number }> {
    const done: Array<{ fields: string[]; line: number }> = [];
    for (let i = 0; i < text.length; i++) {
      const c = text[i] as string;
      if (this.afterCr) {
        this.afterCr = false;
        if (c === '\n') continue;
      }
      if (this.inQuotes) {
        if (c === '"') {
          if (text[i + 1] === '"') {
            this.field += '"';
            i++;
          } else if (i + 1 === text.length) {
            // A quote at the chunk's end: whether it closes or escapes depends on the next chunk.
            this.quoteSeen = true;
            this.inQuotes = false;
          } else {
            this.inQuotes = false;
          }
        } else {
          if (c === '\n') this.line++;
          this.field += c;
        }
        continue;
      }
      if (this.quoteSeen) {
        this.quoteSeen = false;
        if (c === '"') {
          this.field += '"';
          this.inQuotes = true;
          continue;
        }
      }
      if (c === '"' && this.field === '') {
        this.inQuotes = true;
      } else if (c === this.delimiter) {
        this.record.push(this.field);
        this.field = '';
      } else if (c === '\n' || c === '\r') {
        this.finishRecord(done);
        this.afterCr = c === '\r';
        this.line++;
        this.recordLine = this.line;
      } else {
        this.field += c;
      }
    }
    return done;
  }

  /** Ends the input; returns the last record if the text did not end with a line break. */
  end(): Array<{ fields: string[]; line: number }> {
    const done: Array<{ fields: string[]; line: number }> = [];
    if (this.inQuotes) throw new SyntaxError(`CSV ends inside a quoted field that starts on line ${this.recordLine}.`);
    this.finishRecord(done);
    return done;
  }

  private finishRecord(done: Array<{ fields: string[]; line: number }>): void {
    this.record.push(this.field);
    this.field = '';
    const record = this.record;
    this.record = [];
    // Blank lines carry no data.
    if (record.length === 1 && record[0] === '') return;
    done.push({ fields: record, line: this.recordLine });
  }
}
