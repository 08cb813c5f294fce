import { operation } from '@/shared/graphql/client';

export const LINKAGES = ['single', 'complete', 'average', 'ward'] as const;
export type Linkage = (typeof LINKAGES)[number];

export interface WeightEntry {
  symbol: string;
  weight: number;
}

/** One merge of the dendrogram (scipy linkage-matrix convention: ids < n are leaves in `symbols` order). */
export interface DendrogramMerge {
  left: number;
  right: number;
  distance: number;
  size: number;
}

export interface VarFigure {
  level: number;
  historicalVar: number;
  historicalCvar: number;
  parametricVar: number;
  parametricCvar: number;
}

export interface LimitBreach {
  code: string;
  symbol: string | null;
  limit: number;
  actual: number;
}

export interface RiskReport {
  symbols: string[];
  from: string;
  to: string;
  observations: number;
  hrp: { linkage: Linkage; weights: WeightEntry[]; order: string[]; dendrogram: DendrogramMerge[] };
  inverseVariance: WeightEntry[];
  /** Pairwise-complete correlations; null where a pair never overlaps. */
  correlation: { symbols: string[]; values: (number | null)[][] };
  var: VarFigure[];
  maxConcentration: number;
  breaches: LimitBreach[];
}

export const RISK_REPORT = operation<{ riskReport: RiskReport }, { linkage: Linkage }>(
  `query RiskReport($linkage: Linkage) {
  riskReport(linkage: $linkage) {
    symbols from to observations
    hrp {
      linkage
      weights { symbol weight }
      order
      dendrogram { left right distance size }
    }
    inverseVariance { symbol weight }
    correlation { symbols values }
    var { level historicalVar historicalCvar parametricVar parametricCvar }
    maxConcentration
    breaches { code symbol limit actual }
  }
}`,
);
