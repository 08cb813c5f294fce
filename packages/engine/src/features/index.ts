export * from './bar-store';
export * from './feature-service';
export * from './leakage-monitor';
