/** Decision forensics as the gateway serves them: the REST lookup (GraphQL is in schema/forensics). */
export { forensicsLookupConfigSchema } from './forensics.config';
export { forensicsLookup } from './forensics.route';
