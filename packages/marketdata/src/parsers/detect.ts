import { baseName } from './common';
import { classifyCsvHeader, csvHeaderOf, parseOhlcvCsv, parseWideCloseCsv } from './csvFormats';
import { isArrowFile, parseFeather } from './feather';
import { parseJsonCandles } from './jsonCandles';
import { UnparseableFileError, type FileFormat, type ParseResult } from './types';

/** File extensions the importer picks up when walking a directory. */
export const KNOWN_EXTENSIONS: readonly string[] = ['.csv', '.json', '.feather'];

export function extensionOf(file: string): string {
  const name = baseName(file);
  const i = name.lastIndexOf('.');
  return i > 0 ? name.slice(i).toLowerCase() : '';
}

const utf8 = new TextDecoder('utf-8');

function headText(head: Uint8Array | string, max = 64 * 1024): string {
  return typeof head === 'string' ? head.slice(0, max) : utf8.decode(head.subarray(0, max));
}

/**
 * Picks the parser from the extension and the start of the file (`head`: its first bytes, or
 * text). Throws UnparseableFileError for anything it does not recognise.
 */
export function detectFormat(fileName: string, head: Uint8Array | string): FileFormat {
  const ext = extensionOf(fileName);
  switch (ext) {
    case '.feather':
    case '.arrow':
    case '.ipc': {
      if (typeof head !== 'string' && !isArrowFile(head)) {
        throw new UnparseableFileError(fileName, 'not an Arrow IPC / Feather v2 file (no ARROW1 magic)');
      }
      return 'feather';
    }
    case '.json': {
      const t = headText(head)
        .replace(/^\uFEFF/, '')
        .trimStart();
      if (!t.startsWith('['))
        throw new UnparseableFileError(fileName, 'JSON file is not an array of candles');
      return 'json-candles';
    }
    case '.csv': {
      const header = csvHeaderOf(headText(head));
      if (header === null) throw new UnparseableFileError(fileName, 'empty CSV file');
      const kind = classifyCsvHeader(header);
      if (kind !== 'wide-close-csv' && kind !== 'ohlcv-csv') throw new UnparseableFileError(fileName, kind);
      return kind;
    }
    default:
      throw new UnparseableFileError(
        fileName,
        `unknown file format "${ext || '(no extension)'}" (supported: ${KNOWN_EXTENSIONS.join(' ')})`,
      );
  }
}

/** Detects the format and parses a whole file. Pure: bytes (or text) in, series + rejects out. */
export function parseFile(fileName: string, data: Uint8Array | string): ParseResult {
  const format = detectFormat(fileName, data);
  if (format === 'feather') {
    if (typeof data === 'string')
      throw new UnparseableFileError(fileName, 'Feather data must be given as bytes');
    return parseFeather(data, fileName);
  }
  const text = typeof data === 'string' ? data : utf8.decode(data);
  switch (format) {
    case 'wide-close-csv':
      return parseWideCloseCsv(text, fileName);
    case 'ohlcv-csv':
      return parseOhlcvCsv(text, fileName);
    case 'json-candles':
      return parseJsonCandles(text, fileName);
  }
}
