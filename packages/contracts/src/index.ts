export * from './features';
export * from './jobs';
export * from './bars';
