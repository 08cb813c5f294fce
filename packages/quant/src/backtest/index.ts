export {
  equityCurve,
  maxDrawdown,
  performanceStats,
  weightsTurnover,
  type Drawdown,
  type PerformanceOptions,
  type PerformanceStats,
} from './metrics';
export { backtestReturns } from './returns';
export {
  backtest,
  type BacktestOptions,
  type BacktestResult,
  type BacktestView,
  type NanPolicy,
  type TargetWeightsFn,
} from './backtester';
export {
  runWalkForward,
  walkForward,
  type Range,
  type Split,
  type WalkForwardBacktestOptions,
  type WalkForwardOptions,
  type WalkForwardResult,
} from './walk-forward';
