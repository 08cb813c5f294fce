/** Display metadata for the engine's feature names (packages/contracts featureNames). Unknown names still work. */
export interface FeatureMeta {
  label: string;
  color: string;
  kind: 'line' | 'histogram';
  precision: number;
  /** Horizontal guide lines drawn in the feature's pane. */
  guides: number[];
}

const KNOWN: Record<string, FeatureMeta> = {
  drawdown: { label: 'Drawdown', color: '#f0524f', kind: 'line', precision: 4, guides: [0] },
  rsi14: { label: 'RSI(14)', color: '#b48cff', kind: 'line', precision: 2, guides: [30, 70] },
  bollingerPctB: { label: 'Bollinger %b', color: '#2bd1a3', kind: 'line', precision: 3, guides: [0, 1] },
  macdHist: { label: 'MACD histogram', color: '#4c8dff', kind: 'histogram', precision: 4, guides: [] },
  logReturn1: { label: 'Log return (1)', color: '#e5a50a', kind: 'line', precision: 5, guides: [0] },
  logReturn5: { label: 'Log return (5)', color: '#e5a50a', kind: 'line', precision: 5, guides: [0] },
  logReturn20: { label: 'Log return (20)', color: '#e5a50a', kind: 'line', precision: 5, guides: [0] },
  realizedVol20: { label: 'Realized vol (20)', color: '#ff8fab', kind: 'line', precision: 5, guides: [] },
  volumeZ20: { label: 'Volume z-score (20)', color: '#8fb8ff', kind: 'line', precision: 2, guides: [0] },
};

/** Order in which overlays are offered and stacked. */
export const PREFERRED_ORDER = [
  'drawdown',
  'rsi14',
  'bollingerPctB',
  'macdHist',
  'logReturn1',
  'logReturn5',
  'logReturn20',
  'realizedVol20',
  'volumeZ20',
];

export const DEFAULT_OVERLAYS = ['drawdown', 'rsi14'];

export function featureMeta(name: string): FeatureMeta {
  return KNOWN[name] ?? { label: name, color: '#9aa5b5', kind: 'line', precision: 4, guides: [] };
}

export function sortFeatureNames(names: readonly string[]): string[] {
  const rank = (n: string) => {
    const i = PREFERRED_ORDER.indexOf(n);
    return i === -1 ? PREFERRED_ORDER.length : i;
  };
  return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
