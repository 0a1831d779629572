import Type from 'typebox';
import { SCOPES } from '../auth/keys.js';
import { Nullable, Timestamp } from './common.js';

const ScopeName = Type.Enum([...SCOPES], { description: '`admin` holds every other scope' });

export const ApiKeyBody = Type.Object(
  {
    scopes: Type.Array(ScopeName, {
      minItems: 1,
      uniqueItems: true,
      description: "At most the calling key's own scopes",
    }),
  },
  { additionalProperties: false, examples: [{ scopes: ['jobs:read', 'jobs:write'] }] },
);

const ApiKeyFields = {
  keyId: Type.String(),
  prefix: Type.String({ description: 'The first 8 characters of the key, to tell keys apart', examples: ['psk_Xy3a'] }),
  scopes: Type.Array(ScopeName),
  createdAt: Timestamp,
  revokedAt: Nullable(Timestamp),
};

export const ApiKey = Type.Object(ApiKeyFields, { $id: 'ApiKey' });

export const ApiKeyCreated = Type.Object({
  ...ApiKeyFields,
  key: Type.String({ description: 'The key (psk_…); returned only here, once: only its hash is stored' }),
});

export type ApiKeyView = Type.Static<typeof ApiKey>;
