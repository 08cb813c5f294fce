import {
  RejectList,
  SeriesBuilder,
  checkOhlc,
  cryptoPairSeries,
  isoTs,
  pairFromFileName,
  readEpochMs,
  readPriceValue,
  readVolumeValue,
} from './common';
import { UnparseableFileError, type ParseResult } from './types';

const FIELDS = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;

/**
 * JSON candle array (freqtrade/ccxt style): `[[epoch_ms, open, high, low, close, volume], ...]`.
 * Symbol, quote asset and timeframe come from the file name `{BASE}_{QUOTE}-{tf}.json`.
 * Rejects are located by element: `element 42 (array index 41)`.
 */
export function parseJsonCandles(text: string, file: string): ParseResult {
  const pair = pairFromFileName(file);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UnparseableFileError(file, `invalid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (!Array.isArray(doc)) throw new UnparseableFileError(file, 'expected a JSON array of candles');

  const builder = new SeriesBuilder();
  const rejects = new RejectList(file, 'element', 'field');
  for (let i = 0; i < doc.length; i++) {
    const n = i + 1;
    const el: unknown = doc[i];
    if (!Array.isArray(el) || el.length < 6) {
      const shown = JSON.stringify(el) ?? String(el);
      rejects.add(n, undefined, `expected [ts, open, high, low, close, volume], got ${shown.slice(0, 80)}`);
      continue;
    }
    const ts = readEpochMs(el[0]);
    if (typeof ts === 'string') {
      rejects.add(n, FIELDS[0], ts);
      continue;
    }
    const prices: number[] = [];
    let failed = false;
    for (let k = 1; k <= 4; k++) {
      const p = readPriceValue(el[k]);
      if (typeof p === 'string') {
        rejects.add(n, FIELDS[k], p);
        failed = true;
        break;
      }
      prices.push(p);
    }
    if (failed) continue;
    const volume = readVolumeValue(el[5]);
    if (typeof volume === 'string') {
      rejects.add(n, FIELDS[5], volume);
      continue;
    }
    const [open, high, low, close] = prices as [number, number, number, number];
    const bad = checkOhlc(open, high, low, close);
    if (bad !== null) {
      rejects.add(n, bad[0], bad[1]);
      continue;
    }
    const prev = builder.add({ ts, open, high, low, close, volume }, n);
    if (prev !== undefined)
      rejects.add(n, FIELDS[0], `duplicate timestamp ${isoTs(ts)} (first at element ${prev})`);
  }

  const bars = builder.finish();
  const series = cryptoPairSeries(pair, bars);
  return { file, format: 'json-candles', series, rejects: rejects.list, rowsRead: doc.length, cellsEmpty: 0 };
}
