import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
}

export interface Receiver {
  url: string;
  /** Every POST that reached the receiver while it was up (answered 204). */
  received: Received[];
  /** Down: every request is answered 503, as a receiver behind a load balancer with no healthy target. */
  down: boolean;
  /** The webhook-id of every request answered 503 while down. */
  refused: string[];
  close(): Promise<void>;
}

/** A lab system's webhook endpoint on loopback (the serving processes run with WEBHOOK_ALLOW_LOCALHOST=true). */
export async function startReceiver(): Promise<Receiver> {
  const state = { received: [] as Received[], down: false, refused: [] as string[] };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => {
      body += d.toString();
    });
    req.on('end', () => {
      if (state.down) {
        state.refused.push(String(req.headers['webhook-id']));
        res.writeHead(503).end();
        return;
      }
      state.received.push({
        id: String(req.headers['webhook-id']),
        timestamp: String(req.headers['webhook-timestamp']),
        signature: String(req.headers['webhook-signature']),
        body,
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://localhost:${port}/hook`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

/** Standard Webhooks: base64 HMAC-SHA256 of `id.timestamp.body` under the secret's bytes, as `v1,<sig>`. */
export function validSignature(secret: string, r: Received): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${r.id}.${r.timestamp}.${r.body}`).digest();
  return r.signature.split(' ').some((s) => {
    const [version, sig] = s.split(',');
    if (version !== 'v1' || !sig) return false;
    const got = Buffer.from(sig, 'base64');
    return got.length === expected.length && timingSafeEqual(got, expected);
  });
}

/** Waits until the receiver got `n` requests (at most 15 s), then a second more so that a duplicate would show. */
export async function waitForDeliveries(receiver: Pick<Receiver, 'received'>, n: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (receiver.received.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 1000));
}
