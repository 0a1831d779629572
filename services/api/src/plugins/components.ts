import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { COMPONENTS } from '../schemas/components.js';

/** Adds the named schemas at the root, before any route group, so every route's Ref() resolves against them. */
export const componentsPlugin = fp(
  async (app: FastifyInstance) => {
    for (const schema of COMPONENTS) app.addSchema(schema);
  },
  { name: 'platescale-components' },
);
