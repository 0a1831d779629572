/**
 * Node preload (`NODE_OPTIONS=--import=…/preload.js`) for deployed images: turns DATABASE_SECRET_ARN into
 * DATABASE_URL before any handler or config module reads the environment.
 */
import { resolveDatabaseUrl } from './database-url.js';

const url = await resolveDatabaseUrl(process.env);
if (url) process.env.DATABASE_URL = url;
