import { ValidationError } from '@platescale/shared';
import type { FastifyRequest } from 'fastify';

/**
 * A body schema given per content type validates nothing when no body is sent at all (no content type to pick a
 * schema by): a route with one runs this before validation, as a single body schema would refuse it.
 */
export async function requireBody(request: FastifyRequest): Promise<void> {
  if (request.body === undefined) throw new ValidationError('a request body is required', 'body');
}
