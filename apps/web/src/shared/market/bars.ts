import { operation } from '../graphql/client';

export interface Bar {
  time: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number | null;
}

export interface BarsPage {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: Bar }[];
}

export const BARS = operation<
  { bars: BarsPage },
  { symbol: string; timeframe: string; first: number; after: string | null }
>(
  `query Bars($symbol: String!, $timeframe: String!, $first: Int, $after: String) {
  bars(symbol: $symbol, timeframe: $timeframe, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { time open high low close volume } }
  }
}`,
);
