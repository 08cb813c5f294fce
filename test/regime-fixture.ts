// The hand-set 3-state HMM over [log return, 20-day volatility] the regime integration tests
// store as the fit job stores one, so each test knows the probabilities it must see.
import { randomUUID } from 'node:crypto';
import type { BarColumns } from '@tradeplane/contracts';
import type { Repositories } from '@tradeplane/db';
import { forwardFilter, regimeObservations, regimeProbabilities, type HmmParams } from '@tradeplane/quant';

export const HAND_SET_HMM: HmmParams = {
  pi: [1 / 3, 1 / 3, 1 / 3],
  transition: [
    [0.98, 0.01, 0.01],
    [0.02, 0.97, 0.01],
    [0.01, 0.01, 0.98],
  ],
  means: [
    [0.0008, 0.007],
    [-0.002, 0.02],
    [0, 0.011],
  ],
  vars: [
    [4e-5, 4e-6],
    [4e-4, 6e-5],
    [1e-4, 1e-5],
  ],
};
export const HAND_SET_HMM_LABELS = ['bull', 'bear', 'sideways'] as const;
const VOL_WINDOW = 20;

/**
 * Stores HAND_SET_HMM as the regime model of `symbol`'s stored daily bars, with its filtered
 * history at every bar past the volatility window (each row labelled with its likeliest
 * regime), as the fit job stores a fitted one. Returns the model's version and the bars.
 */
export async function storeHandSetRegimeModel(
  repos: Repositories,
  symbol: string,
): Promise<{ version: string; bars: BarColumns }> {
  const instrument = (await repos.instruments.findBySymbol(symbol))!;
  const bars = await repos.bars.loadColumns(instrument.id, '1d');
  const { obs, firstIndex } = regimeObservations(bars.close, VOL_WINDOW);
  const rows = regimeProbabilities(forwardFilter(obs, HAND_SET_HMM), [...HAND_SET_HMM_LABELS]);
  const likeliest = (r: (typeof rows)[number]) =>
    r.bull >= r.bear && r.bull >= r.sideways ? 'bull' : r.bear >= r.sideways ? 'bear' : 'sideways';
  const version = randomUUID();
  await repos.regimes.createModel(
    {
      version,
      symbol,
      timeframe: '1d',
      seed: 1,
      logLikelihood: 0,
      params: { ...HAND_SET_HMM, labels: HAND_SET_HMM_LABELS, volWindow: VOL_WINDOW },
      trainedFrom: new Date(bars.ts[0]!),
      trainedTo: new Date(bars.ts.at(-1)!),
    },
    {
      ts: bars.ts.slice(firstIndex),
      bull: Float64Array.from(rows, (r) => r.bull),
      bear: Float64Array.from(rows, (r) => r.bear),
      sideways: Float64Array.from(rows, (r) => r.sideways),
      regime: rows.map(likeliest),
    },
  );
  return { version, bars };
}
