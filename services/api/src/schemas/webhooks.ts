import { ANALYSIS_EVENT_TYPES } from '@platescale/shared';
import Type from 'typebox';
import { Nullable, Timestamp } from './common.js';

const EventType = Type.Enum([...ANALYSIS_EVENT_TYPES]);

export const WebhookBody = Type.Object(
  {
    url: Type.String({
      format: 'uri',
      maxLength: 2048,
      description:
        'https URL receiving the POSTs; must not resolve to loopback, private, link-local or metadata addresses',
    }),
    eventTypes: Type.Array(EventType, { minItems: 1, uniqueItems: true }),
    description: Type.Optional(Type.String({ maxLength: 256 })),
  },
  {
    additionalProperties: false,
    examples: [
      { url: 'https://lims.example.org/hooks/platescale', eventTypes: ['AnalysisJobSucceeded', 'AnalysisJobFailed'] },
    ],
  },
);

const WebhookFields = {
  webhookId: Type.String(),
  url: Type.String(),
  eventTypes: Type.Array(EventType),
  description: Nullable(Type.String()),
  enabled: Type.Boolean({
    description: 'False once disabled after sustained delivery failure; POST /v1/webhooks/{id}/enable turns it back on',
  }),
  disabledReason: Nullable(Type.String()),
  createdAt: Timestamp,
};

export const Webhook = Type.Object(WebhookFields, { $id: 'Webhook' });

export const WebhookCreated = Type.Object({
  ...WebhookFields,
  secret: Type.String({ description: 'Standard Webhooks signing secret (whsec_…); returned only here, once' }),
});

export const Attempt = Type.Object({
  attempt: Type.Integer(),
  attemptedAt: Timestamp,
  statusCode: Nullable(Type.Integer({ description: "The receiver's HTTP status; null when no response" })),
  error: Nullable(Type.String()),
  durationMs: Type.Integer(),
});

export const WebhookDelivery = Type.Object(
  {
    deliveryId: Type.String({ description: 'The webhook-id header: the same for every attempt' }),
    webhookId: Type.String(),
    eventId: Type.String(),
    eventType: Type.String(),
    status: Type.Enum(['pending', 'succeeded', 'failed']),
    nextAttemptAt: Nullable(Timestamp),
    createdAt: Timestamp,
    attempts: Type.Array(Attempt),
  },
  { $id: 'WebhookDelivery' },
);

export const DeliveryParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 128 }),
  deliveryId: Type.String({ minLength: 1, maxLength: 128 }),
});

export type WebhookInput = Type.Static<typeof WebhookBody>;
export type WebhookView = Type.Static<typeof Webhook>;
export type DeliveryView = Type.Static<typeof WebhookDelivery>;
