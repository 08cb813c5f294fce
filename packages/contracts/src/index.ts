export * from './features';
export * from './jobs';
