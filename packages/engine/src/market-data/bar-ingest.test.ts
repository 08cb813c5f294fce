import { describe, expect, it } from 'vitest';
import { BarStore, type BarSource } from '../features';
import { BarIngest, BarRefusedError } from './bar-ingest';
import { parseBarsRequest } from './bars.schema';
import { ReplayRegistry } from './replays';

const day = (d: number) => Date.UTC(2018, 0, d);

/** AAPL and SPY with closes on 2018-01-01 … 2018-01-05. */
function source(): BarSource {
  const ids = ['AAPL', 'SPY'];
  return {
    async findInstrument(symbol) {
      const id = ids.indexOf(symbol);
      return id < 0 ? null : { id };
    },
    async loadColumns(_id, _tf, untilMs) {
      const ts = [1, 2, 3, 4, 5].map(day).filter((t) => untilMs === undefined || t <= untilMs);
      const close = Float64Array.from(ts, (_, i) => 100 + i);
      return { ts: Float64Array.from(ts), open: close, high: close, low: close, close, volume: null };
    },
  };
}

function setup() {
  const store = new BarStore(source(), () => day(10));
  const published: Array<{ key: string; value: unknown }> = [];
  const replays = new ReplayRegistry(store, { symbol: 'SPY', timeframe: '1d' }, () => day(10));
  const ingest = new BarIngest({
    bars: store,
    events: { publish: (key, value) => published.push({ key, value }) },
    replays,
    clock: () => day(10),
  });
  const post = (body: unknown) => ingest.ingest(parseBarsRequest(body, 100, day(10)));
  return { store, published, replays, post };
}

const bar = (d: number, close: number, symbol = 'AAPL') => ({
  symbol,
  timeframe: '1d',
  ts: day(d),
  open: close,
  high: close,
  low: close,
  close,
});

async function refusal(run: Promise<unknown>): Promise<{ code: string; field: string }> {
  const err = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BarRefusedError);
  const { code, field } = err as BarRefusedError;
  return { code, field };
}

describe('BarIngest', () => {
  it('appends new bars at once and publishes each, keyed by symbol; an identical repeat is a duplicate', async () => {
    const { store, published, post } = setup();
    const result = await post({ bars: [bar(6, 106), bar(7, 107)] });
    expect(result).toMatchObject({ accepted: 2, duplicates: 0 });
    expect(result.bars.map((b) => b.status)).toEqual(['accepted', 'accepted']);
    expect(Array.from(store.peek('AAPL', '1d')!.bars.close).slice(-2)).toEqual([106, 107]);
    expect(published.map((p) => p.key)).toEqual(['AAPL', 'AAPL']);
    expect(published[0]!.value).toMatchObject({
      schemaVersion: 1,
      ts: '2018-01-06T00:00:00.000Z',
      source: 'api',
    });

    const again = await post(bar(7, 107));
    expect(again).toMatchObject({ accepted: 0, duplicates: 1, bars: [{ status: 'duplicate' }] });
    expect(await post(bar(3, 102))).toMatchObject({ duplicates: 1 }); // a stored bar, same values
    expect(published).toHaveLength(2);
    expect(store.appendStats).toMatchObject({ appended: 2 });
  });

  it('refuses a stale bar, a changed stored bar, an unknown symbol and a batch out of order, applying nothing', async () => {
    const { store, published, post } = setup();
    const before = store.appendStats.appended;
    expect(await refusal(post({ bars: [bar(6, 106), bar(7, 107, 'MSFT')] }))).toEqual({
      code: 'UNKNOWN_SYMBOL',
      field: 'bars[1].symbol',
    });
    expect(await refusal(post({ bars: [bar(6, 106), bar(3, 99)] }))).toEqual({
      code: 'STALE_BAR',
      field: 'bars[1].ts',
    });
    await post(bar(6, 106));
    expect(await refusal(post(bar(6, 106.5)))).toEqual({ code: 'STALE_BAR', field: 'ts' });
    expect(await refusal(post({ bars: [bar(8, 108), bar(7, 107)] }))).toEqual({
      code: 'INVALID_PARAMETER',
      field: 'bars[1].ts',
    });
    // Only the single bar of day 6 went in.
    expect(store.appendStats.appended - before).toBe(1);
    expect(published).toHaveLength(1);
    expect(store.peek('AAPL', '1d')!.bars.ts.length).toBe(6);
  });

  it('takes replay bars only while their replay is live, and plays hidden bars back in', async () => {
    const { store, replays, published, post } = setup();
    expect(await refusal(post({ bars: [bar(6, 106)], source: 'replay:nope' }))).toEqual({
      code: 'INVALID_PARAMETER',
      field: 'source',
    });
    const replay = await replays.start(['AAPL'], '1d', day(4));
    expect(replay.series).toEqual(['AAPL 1d', 'SPY 1d']);
    expect(store.peek('AAPL', '1d')!.bars.ts.length).toBe(3);
    const played = await post({ bars: [bar(4, 103), bar(4, 103, 'SPY')], source: `replay:${replay.id}` });
    expect(played).toMatchObject({ accepted: 2 });
    expect(published[0]!.value).toMatchObject({ source: `replay:${replay.id}` });
    expect(store.peek('AAPL', '1d')!.bars.ts.length).toBe(4);
    replays.end(replay.id);
    expect((await store.get('AAPL', '1d')).bars.ts.length).toBe(5);
  });
});

describe('ReplayRegistry', () => {
  it('refuses an overlapping replay (the benchmark is part of each), and an unknown symbol leaves nothing hidden', async () => {
    const { store, replays } = setup();
    const first = await replays.start(['AAPL'], '1d', day(3));
    await expect(replays.start(['SPY'], '1d', day(2))).rejects.toMatchObject({
      code: 'CONFLICT',
      field: 'symbols',
    });
    replays.end(first.id);
    await expect(replays.start(['AAPL', 'MSFT'], '1d', day(3))).rejects.toMatchObject({
      code: 'UNKNOWN_SYMBOL',
      field: 'symbols[1]',
    });
    expect(store.cutoff('AAPL', '1d')).toBeUndefined();
    expect(store.cutoff('SPY', '1d')).toBeUndefined();
    expect(replays.get(first.id)).toBeUndefined();
  });
});
