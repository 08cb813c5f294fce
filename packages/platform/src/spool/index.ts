export * from './durable-spool';
