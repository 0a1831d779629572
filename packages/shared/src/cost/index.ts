export {
  AGGREGATOR_HEAP_MB,
  type CostDeployment,
  DEFAULT_COST_DEPLOYMENT,
  estimateJobCost,
  type JobCostEstimate,
  type JobUsage,
  type MapChildExecutionType,
} from './estimate.js';
export { PRICE_TABLE, PRICE_TABLE_2025_06, type PriceTable } from './price-table.js';
