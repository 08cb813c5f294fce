export * from './features';
export * from './regime';
export * from './backtest';
export * from './paper';
export * from './risk';
export * from './series';
export * from './training';
export * from './outcomes';
