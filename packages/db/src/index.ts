export {
  type Database,
  type Db,
  type OpenOptions,
  openConfiguredDatabase,
  openDatabase,
  type Schema,
} from './client.js';
export { migrate } from './migrate.js';
export * as tables from './schema/index.js';
export { experiments, imageResults, jobs, processedEvents, wellResults } from './schema/index.js';
