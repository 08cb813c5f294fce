import type { ReplayCounterfactual } from '@tradeplane/contracts';
import { describe, expect, it } from 'vitest';
import { UnknownSymbolError } from '../features';
import {
  MAX_REPLAY_COUNTERFACTUALS,
  ReplayConflictError,
  ReplayRegistry,
  ReplayUnknownSymbolError,
} from './replays';

/** The BarStore's cut-off surface, recording what the registry asks of it. */
function fakeBars() {
  const calls: string[] = [];
  return {
    calls,
    hideAfter: (symbol: string, tf: string, until: number) =>
      void calls.push(`hide ${symbol} ${tf} ${until}`),
    showAll: (symbol: string, tf: string) => void calls.push(`show ${symbol} ${tf}`),
    get: async (symbol: string) => {
      if (symbol === 'NOPE') throw new UnknownSymbolError(`unknown symbol ${symbol}`);
      return {} as never;
    },
  };
}

const entry = (id: string): ReplayCounterfactual => ({
  decisionId: id,
  asOf: '2018-01-02T00:00:00.000Z',
  regime: { served: 'bull', filtered: 'bear' },
  proposed: { served: { AAPL: 0.1 }, filtered: { AAPL: 0.05 }, hard: { AAPL: 0 } },
});

describe('ReplayRegistry', () => {
  const benchmark = { symbol: 'SPY', timeframe: '1d' as const };
  const from = Date.UTC(2018, 0, 2);

  it('hides the series and the benchmark, records its portfolio’s counterfactuals, shows them again at the end', async () => {
    const bars = fakeBars();
    const changed: string[] = [];
    const replays = new ReplayRegistry(
      bars,
      benchmark,
      () => 0,
      (s, tf) => void changed.push(`${s} ${tf}`),
    );
    const replay = await replays.start(['AAPL'], '1d', from, 'paper-1');
    expect(replay).toMatchObject({ series: ['AAPL 1d', 'SPY 1d'], portfolioId: 'paper-1' });
    expect(bars.calls).toEqual([`hide AAPL 1d ${from - 1}`, `hide SPY 1d ${from - 1}`]);
    expect(changed).toEqual(['AAPL 1d', 'SPY 1d']);

    expect(replays.observes('paper-1')).toBe(true);
    expect(replays.observes('other')).toBe(false);
    replays.record('paper-1', entry('d1'));
    replays.record('other', entry('d2'));
    expect(replays.get(replay.id)!.counterfactuals).toEqual({ decisions: [entry('d1')], dropped: 0 });

    const ended = replays.end(replay.id)!;
    expect(ended.counterfactuals.decisions).toHaveLength(1);
    expect(bars.calls.slice(2)).toEqual(['show AAPL 1d', 'show SPY 1d']);
    expect(replays.observes('paper-1')).toBe(false);
    expect(replays.end(replay.id)).toBeUndefined();
  });

  it('refuses a second replay while one hides the benchmark, naming the field; an unknown symbol leaves nothing behind', async () => {
    const replays = new ReplayRegistry(fakeBars(), benchmark, () => 0);
    const first = await replays.start(['AAPL'], '1d', from, 'paper-1');
    // The benchmark is part of every replay: two live replays on one engine always collide.
    await expect(replays.start(['MSFT'], '1d', from)).rejects.toMatchObject({
      field: 'symbols',
      message: expect.stringContaining('regime benchmark'),
    });
    replays.end(first.id);
    const second = await replays.start(['MSFT'], '1d', from, 'paper-1');
    replays.end(second.id);
    await expect(replays.start(['NOPE'], '1d', from)).rejects.toBeInstanceOf(ReplayUnknownSymbolError);
    // A failed start leaves nothing hidden behind.
    const again = await replays.start(['AAPL'], '1d', from, 'paper-2');
    await expect(replays.start(['GE'], '1d', from, 'paper-3')).rejects.toBeInstanceOf(ReplayConflictError);
    expect(replays.observes('paper-3')).toBe(false);
    replays.end(again.id);
  });

  it('keeps at most MAX_REPLAY_COUNTERFACTUALS and counts the rest', async () => {
    const replays = new ReplayRegistry(fakeBars(), benchmark, () => 0);
    const replay = await replays.start(['AAPL'], '1d', from, 'paper-1');
    for (let i = 0; i < MAX_REPLAY_COUNTERFACTUALS + 3; i++) replays.record('paper-1', entry(`d${i}`));
    expect(replays.get(replay.id)!.counterfactuals.decisions).toHaveLength(MAX_REPLAY_COUNTERFACTUALS);
    expect(replays.get(replay.id)!.counterfactuals.dropped).toBe(3);
  });
});
