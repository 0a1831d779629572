import type { Db } from '@platescale/db';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { createKeyVerifier, holdsScope, type Principal, type Scope } from '../auth/keys.js';
import { ForbiddenError, UnauthorizedError } from '../errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a route needs; routes without one are public (health, OpenAPI, docs). */
    scope?: Scope;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** The principal of a bearer token, or undefined for an unknown or revoked key (remembered for 10 s). */
    verifyApiKey(token: string): Promise<Principal | undefined>;
  }
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header?.startsWith('Bearer ')) return undefined;
  const token = header.slice(7).trim();
  return token.startsWith('psk_') ? token : undefined;
}

/** Bearer API keys with scopes; `admin` holds every scope. Principals carry the tenant every query filters on. */
export const authPlugin = fp(
  async (app: FastifyInstance, opts: { db: Db }) => {
    const verify = createKeyVerifier(opts.db);
    app.decorate('verifyApiKey', verify);
    app.decorateRequest('principal', null);
    app.addHook('onRequest', async (request) => {
      const scope = request.routeOptions.config.scope;
      if (!scope) return;
      const token = bearerToken(request);
      const principal = token ? await verify(token) : undefined;
      if (!principal) throw new UnauthorizedError();
      if (!holdsScope(principal.scopes, scope)) throw new ForbiddenError(scope);
      request.principal = principal;
    });
  },
  { name: 'platescale-auth' },
);

/** The authenticated principal of a route that declared a scope. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new UnauthorizedError();
  return request.principal;
}
