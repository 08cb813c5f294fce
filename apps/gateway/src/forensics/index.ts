/** Decision forensics as the gateway serves them: the REST lookup (GraphQL is in schema/forensics). */
export { forensicsLookupConfigSchema, type ForensicsLookupConfig } from './forensics.config';
export { forensicsLookup, type ForensicsLookupDeps, type ForensicsLookupErrorCode } from './forensics.route';
