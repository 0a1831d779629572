import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { TooManyStreamsError } from '../../errors.js';
import { bearerToken, principalOf } from '../../plugins/auth.js';
import { IdParams, problems } from '../../schemas/common.js';
import { isTerminal } from '../../services/jobs.js';
import { progressSnapshot } from './snapshot.js';

const INTERVAL_MS = 500;
const HEARTBEAT_MS = 15_000;
/** The id of the terminal event: a client that saw it and reconnects is told (204) that the stream is over. */
const END_ID = 'end';

export const jobEventRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { jobs, deps } = app.platescale;
  const maxPerKey = deps.config.API_MAX_STREAMS_PER_KEY;
  /** Open streams per key id, in this process. */
  const open = new Map<string, number>();

  /** Writes the job's events until it ends, the client leaves, or the key is revoked. */
  async function stream(request: FastifyRequest, reply: FastifyReply, id: string, lastEventId?: string) {
    const { tenantId } = principalOf(request);
    const token = bearerToken(request)!;
    const abort = new AbortController();
    request.raw.on('close', () => abort.abort());
    reply.hijack();
    const out = reply.raw;
    out.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    });
    out.write('retry: 1000\n\n');

    let lastDone = lastEventId !== undefined && /^\d+$/.test(lastEventId) ? Number(lastEventId) : -1;
    let lastWrite = Date.now();
    try {
      while (!abort.signal.aborted) {
        // The verifier remembers a key 10 s: a revocation elsewhere ends the stream within that window.
        if (!(await app.verifyApiKey(token))) {
          out.write(`event: error\ndata: ${JSON.stringify({ message: 'the API key was revoked' })}\n\n`);
          break;
        }
        const row = await jobs.row(tenantId, id);
        if (isTerminal(row.status)) {
          out.write(`id: ${END_ID}\nevent: finished\ndata: ${JSON.stringify(await jobs.get(tenantId, id))}\n\n`);
          break;
        }
        const snapshot = progressSnapshot(row, await jobs.progress(row), Date.now());
        const done = snapshot.progress.succeeded + snapshot.progress.failed;
        if (done > lastDone) {
          out.write(`id: ${done}\nevent: progress\ndata: ${JSON.stringify(snapshot)}\n\n`);
          lastDone = done;
          lastWrite = Date.now();
        } else if (Date.now() - lastWrite > HEARTBEAT_MS) {
          out.write(': keep-alive\n\n');
          lastWrite = Date.now();
        }
        await sleep(INTERVAL_MS, undefined, { signal: abort.signal }).catch(() => undefined);
      }
    } catch (err) {
      request.log.warn({ err }, 'job event stream ended by an error');
      out.write(`event: error\ndata: ${JSON.stringify({ message: 'the stream failed; reconnect to resume' })}\n\n`);
    }
    out.end();
  }

  app.get(
    '/:id/events',
    {
      config: { scope: 'jobs:read' },
      schema: {
        operationId: 'streamJobEvents',
        tags: ['jobs'],
        summary: 'Live progress as Server-Sent Events',
        description:
          '`progress` events (Map Run counters, percent, images/s, ETA) at most every 500 ms while the job runs, whenever ' +
          'the counts change; then one `finished` event carrying the job. Event ids are the number of images done (and ' +
          "'end' for the terminal event): reconnect with Last-Event-ID to skip what was already received. The key is " +
          'checked again while the stream is open: revoked, the stream ends with an `error` event (within 10 s when ' +
          'revoked through another API process). One key may hold API_MAX_STREAMS_PER_KEY streams at once per API ' +
          'process (429 beyond).',
        params: IdParams,
        headers: Type.Object({ 'last-event-id': Type.Optional(Type.String({ maxLength: 32 })) }),
        response: {
          200: {
            description: 'An event stream',
            content: {
              'text/event-stream': {
                schema: Type.String({
                  examples: [
                    'id: 12\nevent: progress\ndata: {"jobId":"job_…","status":"RUNNING","progress":{"total":40,"succeeded":12,"failed":0,"running":4,"pending":24},"percent":30,"imagesPerSecond":6.1,"etaSeconds":4.6}\n\n',
                  ],
                }),
              },
            },
          },
          204: { description: 'The client already received the terminal event', type: 'null' },
          ...problems(401, 403, 404, 429),
        },
      },
    },
    async (request, reply) => {
      const { tenantId, keyId } = principalOf(request);
      await jobs.row(tenantId, request.params.id);
      const lastEventId = request.headers['last-event-id'];
      if (lastEventId === END_ID) return reply.code(204).send(null);
      const streams = open.get(keyId) ?? 0;
      if (streams >= maxPerKey) throw new TooManyStreamsError(maxPerKey);
      open.set(keyId, streams + 1);
      try {
        await stream(request, reply, request.params.id, lastEventId);
      } finally {
        const left = (open.get(keyId) ?? 1) - 1;
        if (left > 0) open.set(keyId, left);
        else open.delete(keyId);
      }
    },
  );
};
