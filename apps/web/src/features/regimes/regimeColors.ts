/** Colours of the three regimes: lines/text, and opaque fills for the stacked-area chart. */
export interface RegimeColor {
  line: string;
  /** Opaque (pre-blended on the panel background) so stacked areas do not mix. */
  fill: string;
}

const COLORS: Record<string, RegimeColor> = {
  bull: { line: '#3ddc84', fill: '#1c5c42' },
  sideways: { line: '#e5a50a', fill: '#6e5514' },
  bear: { line: '#f0524f', fill: '#813436' },
};

const UNKNOWN: RegimeColor = { line: '#8591a3', fill: '#2f3946' };

export function regimeColor(label: string | null | undefined): RegimeColor {
  return (label && COLORS[label]) || UNKNOWN;
}
