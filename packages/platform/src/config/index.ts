export * from './env';
export * from './risk.config';
export * from './secret';
export * from './startup';
