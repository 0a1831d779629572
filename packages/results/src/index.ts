export { PlateMapValidationError } from './errors.js';
export { type PlateMapEntry, parsePlateMap, plateMapLookup, WELL_ROLES, type WellRole } from './plate-map/parse.js';
export { type ExperimentRef, loadPlateMap, savePlateMap } from './plate-map/store.js';
export {
  type ConditionResultRow,
  type DoseResponseRow,
  getDoseResponse,
  getJobResults,
  getZPrime,
  type ImageResultRow,
  mapColumnKeys,
  type PlateQcRow,
  RESULT_LEVELS,
  type ResultLevel,
  type ResultRowsByLevel,
  type WellResultRow,
} from './queries.js';
