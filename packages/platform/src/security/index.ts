export * from './secrets';
export * from './passwords';
