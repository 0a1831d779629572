import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { addressProblem, type UrlPolicy } from './ssrf.js';

const TIMEOUT_MS = 10_000;

export interface SendResult {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/**
 * The connection only goes to an address the SSRF guard accepts: the check runs inside the socket's own DNS
 * lookup, so a name that re-resolves to a private address after subscription (DNS rebinding) is refused.
 */
function guardedLookup(policy: UrlPolicy): LookupFunction {
  return (hostname, options, callback) => {
    const done = (addresses: LookupAddress[]) => {
      const bad = addresses.map((a) => addressProblem(a.address, policy.allowLocalhost)).find(Boolean);
      if (addresses.length === 0 || bad) {
        const err = Object.assign(new Error(`webhook host '${hostname}' refused: ${bad ?? 'does not resolve'}`), {
          code: 'EWEBHOOKADDRESS',
        });
        callback(err, '', 0);
      } else if (options.all) {
        (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      } else {
        callback(null, addresses[0]!.address, addresses[0]!.family);
      }
    };
    policy.resolveHost(hostname).then(
      (list) => done(list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))),
      () => dnsLookup(hostname, { all: true }, (err, list) => (err ? callback(err, '', 0) : done(list))),
    );
  };
}

/** POSTs one signed delivery; any 2xx is success. Never throws: failures are results the log records. */
export function sendWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  policy: UrlPolicy,
): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    const target = new URL(url);
    // Sockets skip the lookup for IP literals, so those are checked here.
    const literal = target.hostname.replace(/^\[|\]$/g, '');
    const refused = isIP(literal) ? addressProblem(literal, policy.allowLocalhost) : undefined;
    if (refused) {
      resolve({ statusCode: null, error: `webhook address ${literal} refused: ${refused}`, durationMs: 0 });
      return;
    }
    const client = target.protocol === 'https:' ? https : http;
    const req = client.request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        lookup: guardedLookup(policy),
        timeout: TIMEOUT_MS,
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          const ok = res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300;
          resolve({
            statusCode: res.statusCode ?? null,
            error: ok ? null : `HTTP ${res.statusCode}`,
            durationMs: elapsed(),
          });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no response within ${TIMEOUT_MS} ms`)));
    req.on('error', (err) => resolve({ statusCode: null, error: err.message, durationMs: elapsed() }));
    req.end(body);
  });
}
