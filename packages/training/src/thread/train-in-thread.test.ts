import { DEFAULT_MODEL_SET_TRAINING, trainModelSet, type SymbolBars } from '@tradeplane/quant';
import { describe, expect, it } from 'vitest';
import { trainInThread } from './train-in-thread';

/** A seeded random walk with a slow regime cycle: 1995–2004, enough for every split. */
function syntheticBars(symbol: string, seed: number): SymbolBars {
  let x = seed >>> 0;
  const uniform = () => (x = (Math.imul(x, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32;
  const dates: string[] = [];
  const close: number[] = [];
  let price = 100;
  for (let t = Date.parse('1995-01-02'), i = 0; t < Date.parse('2005-01-01'); t += 86_400_000) {
    const day = new Date(t).getUTCDay();
    if (day === 0 || day === 6) continue;
    const drift = Math.sin(i++ / 200) * 0.001;
    const normal = Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
    price *= Math.exp(drift + (Math.sin(i / 350) > 0 ? 0.008 : 0.018) * normal);
    dates.push(new Date(t).toISOString().slice(0, 10));
    close.push(price);
  }
  const c = Float64Array.from(close);
  return {
    symbol,
    dates,
    bars: {
      ts: Float64Array.from(dates, (d) => Date.parse(d)),
      open: c,
      high: c,
      low: c,
      close: c,
      volume: null,
    },
  };
}

const market = syntheticBars('MKT', 1);
const input = { market, symbols: [market, syntheticBars('AAA', 2)] };
const config = {
  ...DEFAULT_MODEL_SET_TRAINING,
  regime: { ...DEFAULT_MODEL_SET_TRAINING.regime, restarts: 1 },
  splits: {
    train: { from: '1996-01-01', to: '2000-12-31' },
    validation: { from: '2001-01-01', to: '2002-12-31' },
    test: { from: '2003-01-01', to: '2004-12-31' },
  },
};

describe('trainInThread', () => {
  it('gives what trainModelSet gives, with its stages and epochs reported as they happen', async () => {
    const stages: string[] = [];
    const epochs: string[] = [];
    const trained = await trainInThread(input, config, {
      onStage: (s) => stages.push(s),
      onEpoch: (e) => epochs.push(`${e.model}@${e.epoch}`),
    });
    const here = trainModelSet(input, config);
    expect(trained).toStrictEqual(here);
    expect(stages).toEqual(['regime', 'specialists', 'meta-controller', 'backtest']);
    expect(epochs).toContain(`momentum@${here.specialists[0]!.stoppedEpoch}`);
    expect(epochs.at(-1)).toBe(`meta-controller@${here.metaController.stoppedEpoch}`);
  }, 30_000);

  it('stops mid-training when aborted, with the abort reason', async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled by the test');
    let abortedAt = 0;
    let epochsAfterAbort = 0;
    const started = trainInThread(input, config, {
      signal: controller.signal,
      onEpoch: (e) => {
        if (abortedAt) epochsAfterAbort++;
        else if (e.stage === 'specialists' && e.epoch === 5) {
          abortedAt = performance.now();
          controller.abort(reason);
        }
      },
    });
    await expect(started).rejects.toBe(reason);
    expect(abortedAt).toBeGreaterThan(0);
    expect(performance.now() - abortedAt).toBeLessThan(100);
    expect(epochsAfterAbort).toBe(0);
  }, 30_000);

  it('rejects at once when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('too late'));
    await expect(trainInThread(input, config, { signal: controller.signal })).rejects.toThrow('too late');
  });
});
