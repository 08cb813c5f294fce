export * from './http-errors';
