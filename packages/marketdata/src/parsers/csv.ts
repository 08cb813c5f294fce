/**
 * Line-oriented CSV splitting. Deliberately not csv-parse: its error recovery
 * (skip_records_with_error) swallows the records after a bad quote, and one bad row must never
 * cost the good rows. Market-data CSVs have no multi-line fields, so each line is one record.
 */
export interface CsvRecord {
  /** 1-based line number in the file. */
  line: number;
  /** Trimmed fields, or null when the line's quoting is malformed. */
  fields: string[] | null;
}

/** Splits text into non-blank lines with their 1-based numbers (handles \n, \r\n and a BOM). */
export function csvRecords(text: string): CsvRecord[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = src.split('\n');
  const out: CsvRecord[] = [];
  for (let i = 0; i < lines.length; i++) {
    let l = lines[i]!;
    if (l.endsWith('\r')) l = l.slice(0, -1);
    if (l.trim() === '') continue;
    out.push({ line: i + 1, fields: splitCsvLine(l) });
  }
  return out;
}

export function splitCsvLine(line: string): string[] | null {
  if (!line.includes('"')) {
    const parts = line.split(',');
    for (let i = 0; i < parts.length; i++) parts[i] = parts[i]!.trim();
    return parts;
  }
  const fields: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && (line[i] === ' ' || line[i] === '\t')) i++;
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= n) return null; // unterminated quote
        const ch = line[i]!;
        if (ch === '"') {
          if (line[i + 1] === '"') {
            value += '"';
            i += 2;
          } else {
            i++;
            break;
          }
        } else {
          value += ch;
          i++;
        }
      }
      while (i < n && (line[i] === ' ' || line[i] === '\t')) i++;
      if (i < n && line[i] !== ',') return null; // text after the closing quote
      fields.push(value.trim());
    } else {
      const j = line.indexOf(',', i);
      const end = j < 0 ? n : j;
      const value = line.slice(i, end);
      if (value.includes('"')) return null; // stray quote inside an unquoted field
      fields.push(value.trim());
      i = end;
    }
    if (i >= n) return fields;
    i++; // skip the comma
    if (i === n) {
      fields.push('');
      return fields;
    }
  }
}
