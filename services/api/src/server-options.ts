import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import AjvCompiler from '@fastify/ajv-compiler';
import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { problem } from './plugins/errors.js';

const buildAjv = AjvCompiler();

/**
 * Query strings, path parameters and headers are text: their numbers and booleans are read from it (Fastify's
 * coercion). A JSON body is typed already, and is validated as sent: `"-Infinity"`, `"0x10"`, `true` or `[50]`
 * where a number belongs is a 400, never a number; a property the schema does not declare is a 400 too, not
 * silently dropped (a misspelt `batchsize` would otherwise run with the default).
 */
export const compilersFactory: NonNullable<FastifyServerOptions['schemaController']>['compilersFactory'] = {
  buildValidator(externalSchemas, ajvOptions) {
    const options = ajvOptions as { customOptions?: Record<string, unknown> };
    const text = buildAjv(externalSchemas as never, options as never);
    const json = buildAjv(
      externalSchemas as never,
      {
        ...options,
        customOptions: { ...options.customOptions, coerceTypes: false, removeAdditional: false },
      } as never,
    );
    return (route) => (route.httpPart === 'body' ? json(route) : text(route));
  },
};

/** Errors Fastify raises before a route is found (a URL whose percent-encoding is malformed): problem+json. */
export const frameworkErrors = (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
  const detail =
    error.code === 'FST_ERR_BAD_URL'
      ? `the URL ${request.url.slice(0, 200)} is not valid: malformed percent-encoding`
      : error.message;
  return reply
    .code(400)
    .type('application/problem+json')
    .send(problem(400, 'bad_request', detail));
};

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (headers over the size limit, malformed request
 * lines) answer problem+json as well, on the raw socket.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, detail] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headers_too_large', 'the request headers are larger than the server accepts (16 KiB)']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request_timeout', 'the request was not received in time']
        : [400, 'bad_request', 'the request is not valid HTTP'];
  const body = JSON.stringify(problem(status, code, detail));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
