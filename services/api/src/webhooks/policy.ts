import type { Config } from '@platescale/shared';
import { type ResolveHost, systemResolve, type UrlPolicy } from './ssrf.js';

export function urlPolicy(config: Config, resolveHost: ResolveHost | undefined): UrlPolicy {
  return {
    production: config.PLATESCALE_MODE === 'production',
    allowLocalhost: config.WEBHOOK_ALLOW_LOCALHOST === 'true',
    resolveHost: resolveHost ?? systemResolve,
  };
}

/** WEBHOOK_RETRY_SCHEDULE_SECONDS as seconds before retry 1, 2, … */
export function retrySchedule(config: Config): number[] {
  return config.WEBHOOK_RETRY_SCHEDULE_SECONDS.split(',').map(Number);
}
