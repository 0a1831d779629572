export { experiments, imageResults, jobs, processedEvents, wellResults } from './analysis.js';
