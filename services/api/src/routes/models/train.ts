import { randomUUID } from 'node:crypto';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PlatescaleError } from '@platescale/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { principalOf } from '../../plugins/auth.js';
import { IdempotencyHeaders, problems, Ref } from '../../schemas/common.js';
import { FORM_LIMITS, formView, storeTrainingForm, type TrainingUpload } from './form.js';
import { trainingSpec } from './form-spec.js';
import { requireBody } from './required-body.js';
import { Model, ModelBody, type ModelSpec, TrainingForm, type TrainingFormView } from './schemas.js';
import type { LoadModelService } from './service.js';
import { toView } from './view.js';

/** The trainer names files by object key; the sender of a form knows them by file and part name. */
function namedByPart(err: unknown, upload: TrainingUpload): unknown {
  if (!(err instanceof PlatescaleError)) return err;
  for (const files of upload.files.values()) {
    for (const file of files) err.message = err.message.replaceAll(`'${file.key}'`, file.label);
  }
  return err;
}

/**
 * `POST /v1/models`: train from object keys (JSON) or from the files themselves (multipart/form-data), by one path:
 * a form's files are stored under a prefix of the request's own and the form becomes the JSON body naming them.
 */
export const trainRoute: FastifyPluginAsyncTypebox<{ models: LoadModelService }> = async (app, { models }) => {
  const { objects } = app.platescale.deps;
  const { objectScope } = app.platescale;
  // Forms only here: every other route keeps answering multipart with 415.
  await app.register(multipart, { limits: FORM_LIMITS, throwFileSizeLimit: false });
  // A body is JSON or a form, each validated by its own schema; anything else is 415, never unvalidated text.
  app.removeContentTypeParser('text/plain');
  /** The forms of requests in flight; a form that became a model is dropped from here, and so kept. */
  const uploads = new WeakMap<FastifyRequest, TrainingUpload>();

  // A form is read (its files stored) before validation, so that the form schema and the Idempotency-Key
  // fingerprint see its fields and its files' digests.
  async function readForm(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (!request.isMultipart()) return;
    const upload: TrainingUpload = { fields: {}, files: new Map(), keys: [] };
    uploads.set(request, upload);
    const prefix = `training/${principalOf(request).tenantId}/${randomUUID()}`;
    await storeTrainingForm(request.parts(), upload, objects, prefix).catch((err: unknown) => {
      // The rest of the body stays unread (it may be gigabytes): the connection ends with the answer.
      reply.header('connection', 'close');
      throw err;
    });
    request.body = formView(upload);
  }

  app.post(
    '',
    {
      config: { scope: 'models:write' },
      schema: {
        operationId: 'trainModel',
        tags: ['models'],
        summary: 'Train a pixel classifier from sparsely labelled images',
        description:
          'Send JSON naming images and label images already in the object store, or multipart/form-data with the files ' +
          'themselves: text fields `name`, `classes` and `channels` (comma-separated; `channels` defaults to DNA) and ' +
          "the JSON body's options as text; file parts `image.<channel>` (or `image`, for one channel) and `labels`, " +
          'each in image order: the i-th part of each belongs to image i. Reads the images, trains (seconds), stores ' +
          'the ONNX file and a new immutable registry version. Metrics are per-class pixel accuracy on held-out ' +
          'labelled pixels.',
        headers: IdempotencyHeaders,
        body: {
          content: {
            'application/json': { schema: ModelBody },
            'multipart/form-data': { schema: TrainingForm },
          },
        },
        response: {
          201: { description: 'Trained and registered', ...Ref(Model) },
          ...problems(400, 401, 403, 409, 413, 415, 422),
        },
      },
      preValidation: [readForm, requireBody],
      // A form that did not become a model (refused, failed, or an idempotent replay) leaves nothing in the store.
      onResponse: async (request) => {
        const upload = uploads.get(request);
        if (upload) await Promise.all(upload.keys.map((key) => objects.delete(key)));
      },
    },
    async (request, reply) => {
      const tenantId = principalOf(request).tenantId;
      const upload = uploads.get(request);
      if (!upload) {
        const spec = request.body as ModelSpec;
        // Keys named in the body: the tenant's objects only (a form's files are stored under its own prefix).
        for (const [i, image] of spec.images.entries()) {
          for (const [channel, key] of Object.entries(image.channels)) {
            await objectScope.object(tenantId, key, `images.${i}.channels.${channel}`);
          }
          await objectScope.object(tenantId, image.labels, `images.${i}.labels`);
        }
        return reply.code(201).send(toView(await (await models()).train(tenantId, spec)));
      }
      const spec = trainingSpec(request.body as TrainingFormView, upload.files);
      const row = await (await models()).train(tenantId, spec).catch((err: unknown) => {
        throw namedByPart(err, upload);
      });
      uploads.delete(request);
      return reply.code(201).send(toView(row));
    },
  );
};
