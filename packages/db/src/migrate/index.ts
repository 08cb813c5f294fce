export * from './migrate';
export * from './drift';
