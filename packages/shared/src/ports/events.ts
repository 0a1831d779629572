/** The envelope EventBridge delivers to a target; the in-process bus delivers exactly this shape too. */
export interface EventEnvelope<TDetail = unknown> {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: TDetail;
}

export interface EventToPublish<TDetail = unknown> {
  source: string;
  detailType: string;
  detail: TDetail;
  resources?: string[];
}

export type EventHandler = (event: EventEnvelope) => Promise<void>;

/** Adapters: in-process (embedded; delivers to subscribers) and EventBridge (rules deliver to Lambda targets). */
export interface EventBus {
  /** Resolves once every event is accepted by the bus (not necessarily delivered). Returns the event ids. */
  publish(events: EventToPublish[]): Promise<string[]>;
  /** In-process delivery; on EventBridge this is a no-op and delivery is the rules' job. Returns an unsubscribe. */
  subscribe(handler: EventHandler): () => void;
  /** Waits for in-flight in-process deliveries (tests, shutdown). */
  drain(): Promise<void>;
}
