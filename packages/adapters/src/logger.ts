/** The subset of a pino/Fastify logger the adapters use; `console` fits too (the default). */
export interface AdapterLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
