import { STATUS_CODES } from 'node:http';
import { PlatescaleError } from '@platescale/shared';
import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  field?: string;
}

export const problem = (status: number, code: string, detail: string, field?: string): ProblemBody => ({
  type: `https://platescale.dev/problems/${code}`,
  title: STATUS_CODES[status] ?? 'Error',
  status,
  detail,
  code,
  ...(field ? { field } : {}),
});

/** Fastify's own 4xx errors (parsing, size, media type) get stable codes of ours. */
const FRAMEWORK_CODES: Record<number, string> = {
  400: 'bad_request',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

function fromValidation(err: FastifyError): ProblemBody {
  const first = err.validation?.[0];
  const params = (first?.params ?? {}) as Record<string, unknown>;
  const path = (first?.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
  const leaf = (params.missingProperty ?? params.additionalProperty) as string | undefined;
  const field = [path, leaf].filter(Boolean).join('.') || undefined;
  const where = err.validationContext ?? 'body';
  const detail =
    leaf && params.additionalProperty
      ? `${where}/${field} is not allowed`
      : `${where}${field ? `/${field}` : ''} ${first?.message ?? err.message}`;
  return problem(400, 'validation_failed', detail, field);
}

/** Connection-level failures (refused, reset, terminated, SQLSTATE class 08, shutdown 57P0x) anywhere in the chain. */
const UNREACHABLE_CODES = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTCONN|08\w{3}|57P0[123])$/;
const UNREACHABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/;

/** The database went away under the request (restart, failover, network): a retryable 503, not a 500. */
export function unreachableDependency(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === 'string' && UNREACHABLE_CODES.test(e.code)) return e.code;
    if (typeof e.message === 'string' && UNREACHABLE_MESSAGES.test(e.message)) return e.message;
  }
  return undefined;
}

function toProblem(err: FastifyError | PlatescaleError | Error): ProblemBody {
  if ('validation' in err && err.validation) return fromValidation(err as FastifyError);
  const unreachable = unreachableDependency(err);
  if (unreachable)
    return problem(503, 'database_unavailable', `the database is unreachable (${unreachable}); retry shortly`);
  if (err instanceof PlatescaleError) {
    const field = typeof err.details?.field === 'string' ? err.details.field : undefined;
    return problem(err.status, err.code, err.message, field);
  }
  const status = (err as FastifyError).statusCode;
  if (status && status >= 400 && status < 500) {
    return problem(status, FRAMEWORK_CODES[status] ?? 'bad_request', err.message);
  }
  return problem(500, 'internal_error', 'an unexpected error occurred; it has been logged');
}

/** One error shape for the whole API: RFC 9457 problem details with a stable `code`. */
export const errorsPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((err: FastifyError | Error, request, reply) => {
      const body = toProblem(err);
      if (body.status >= 500) request.log.error({ err }, 'request failed');
      if (body.code === 'database_unavailable') reply.header('retry-after', '5');
      return reply.code(body.status).type('application/problem+json').send(body);
    });
    app.setNotFoundHandler((request, reply) =>
      reply
        .code(404)
        .type('application/problem+json')
        .send(problem(404, 'route_not_found', `no route ${request.method} ${request.url.split('?')[0]}`)),
    );
  },
  { name: 'platescale-errors' },
);
