export * from './api-keys.repository';
export * from './audit-log.repository';
export * from './bars.repository';
export * from './ingestion-runs.repository';
export * from './instruments.repository';
export * from './sessions.repository';
export * from './users.repository';
export * from './regimes.repository';
