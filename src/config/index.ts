/**
 * @module Public face of the config layer: the schema, the loader and the profile resolver.
 */
export { configSchema, type Config, type Profile } from './schema.ts';
export { loadConfig, resolveProfile, type ConfigInput } from './load.ts';
