export * from './secrets';
export * from './passwords';
export * from './api-key-auth';
export * from './api-key-auth.config';
