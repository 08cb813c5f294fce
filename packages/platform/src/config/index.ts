export * from './env';
export * from './secret';
export * from './startup';
