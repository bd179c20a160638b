/**
 * The plugin contract. A plugin imports this module and the capability schemas it implements, nothing else
 * from core: everything it needs at run time arrives in the context objects below.
 */
import type { AxiosInstance } from 'axios';
import type { Logger } from 'pino';
import type * as v from 'valibot';
import type { CapabilityName, OperationInput, OperationName, OperationOutput } from '../capabilities/index.ts';


/** What the gateway hands a plugin for one attempt of one operation. */
export interface OperationContext<Config> extends StatefulContext<Config> {
  /**
   * The message id: stable across retries, the idempotency key to pass upstream. A sync call has a fresh one, or,
   * made with an Idempotency-Key, the same one as every earlier call with that key and body.
   */
  messageId: string;
  /**
   * For queued (async) messages, a number unique in the store and stable across retries, for providers that
   * want numeric request ids; undefined for sync calls.
   */
  sequence: number | undefined;
  /** 1 for the first try (of this round: a replay starts again at 1). */
  attempt: number;
  /**
   * True when an earlier attempt may have reached the provider: a retry, a replay, or an attempt cut short by a
   * restart. A provider's "duplicate" answer then most likely means the message got through.
   */
  triedBefore: boolean;
  agency: string;
  /** Aborted when the attempt times out or the gateway shuts down. */
  signal: AbortSignal;
  /** Where the provider sends notifications for this instance: `<public URL>/v1/callbacks/<instance>`. */
  callbackUrl: string;
}

/** One durable record of a plugin instance, e.g. a payment and its state. */
export interface PluginRecord {
  key: string;
  /** The record's state, e.g. `pending` or `paid`; transitions between states are atomic. */
  status: string;
  data: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface RecordTransition {
  /** Applies only when the record is in one of these states: the test-and-set that makes a notice count once. */
  from: readonly string[];
  to: string;
  /** Merged into the record's data. */
  data?: Record<string, unknown>;
  /** Queued in the same transaction as the change: emitted exactly when the state changes (not when `to` is the state it was in). */
  emit?: readonly GatewayEvent[];
}

/**
 * Per-instance records in the gateway's store. Every creation and transition is written to the audit log (key and
 * states only, never the data) in the same transaction.
 */
export interface PluginRecords {
  get(key: string): Promise<PluginRecord | undefined>;
  /** Inserts the record unless the key exists; answers the stored record and whether this call created it. */
  create(key: string, status: string, data: Record<string, unknown>): Promise<{ record: PluginRecord; created: boolean }>;
  /** The record after the transition, or undefined when it was not in one of `from` (or does not exist). */
  transition(key: string, change: RecordTransition): Promise<PluginRecord | undefined>;
  /** Records in a state, least recently updated first. */
  list(filter: { status: string; updatedBefore?: string; limit?: number }): Promise<PluginRecord[]>;
}

/** What `prepare` gets: it runs at the API edge, before anything is stored. */
export interface PrepareContext<Config> {
  instance: string;
  config: Config;
}

export interface OperationHandler<C extends CapabilityName, Op extends OperationName<C>, Config> {
  /**
   * Optional check and normalisation at the edge, with the instance config at hand (e.g. a maximum number of
   * SMS segments). Throw `InputError` to answer 400; the returned input is what gets stored and delivered.
   */
  prepare?(input: OperationInput<C, Op>, ctx: PrepareContext<Config>): OperationInput<C, Op>;
  run(input: OperationInput<C, Op>, ctx: OperationContext<Config>): Promise<OperationOutput<C, Op>>;
}

export type OperationHandlers<C extends CapabilityName, Config> = {
  [Op in OperationName<C>]: OperationHandler<C, Op, Config>;
};

/**
 * The event types a plugin emits, each with a line saying when: e.g.
 * `{ 'payment.succeeded': 'the payer paid; emitted once per payment' }`. Types are `domain.happening`, lower-case
 * dotted words. Webhook subscriptions may name only declared types, and emitting one not declared is refused.
 */
export type EventDeclarations = Readonly<Record<string, string>>;

/** An event for the one-stop software's webhook subscriptions, e.g. `payment.succeeded`. */
export interface GatewayEvent {
  type: string;
  agency: string;
  data: Record<string, unknown>;
  /**
   * Events with one key reach each subscription in the order they were emitted, e.g. a payment's id, so that
   * `payment.failed` (expired) never overtakes the `payment.succeeded` before it.
   */
  orderingKey?: string;
}

/** What every hook of an instance gets: its id, config, logger and outbound client. */
export interface InstanceContext<Config> {
  /** The plugin instance's id from the gateway config, e.g. `sms-hue`. */
  instance: string;
  config: Config;
  log: Logger;
  /** The instance's outbound HTTP client (keep-alive, no redirects, no proxy from the environment). */
  http: AxiosInstance;
}

/** An instance's hooks that change state: its records, and events for the one-stop software. */
export interface StatefulContext<Config> extends InstanceContext<Config> {
  /** The instance's durable records (e.g. a payment's state), kept in the gateway's store. */
  records: PluginRecords;
  /** Queue an event for delivery to the subscribed webhooks (durably, through the outbox). */
  emit(event: GatewayEvent): Promise<void>;
}

export type CallbackContext<Config> = StatefulContext<Config>;

/**
 * What a callback answers. The core audits every notice; `accepted` says whether it was genuine and taken (a
 * provider may want HTTP 200 even for a refused notice), `summary` adds what the audit entry should say (no
 * personal data: it is masked, but better not sent).
 */
export interface CallbackOutcome {
  response: Response;
  accepted: boolean;
  summary?: Record<string, unknown>;
}

/** Inbound notifications from the provider, served at `POST /v1/callbacks/{instance}`. */
export interface CallbackHandler<Config> {
  handle(request: Request, ctx: CallbackContext<Config>): Promise<Response | CallbackOutcome>;
}

/** Work a plugin instance does on its own schedule, e.g. querying payments still pending. */
export interface TaskContext<Config> extends StatefulContext<Config> {
  /**
   * Writes an audit entry for what the task found that an operator must be able to prove later (a provider's
   * answer with a bad signature, say). Personal data in `summary` is masked.
   */
  audit(action: string, summary: Record<string, unknown>): Promise<void>;
  /** Aborted when the gateway shuts down. */
  signal: AbortSignal;
}

export interface PluginTask<Config> {
  name: string;
  /** How often it runs for an instance, from that instance's config. */
  everyMs(config: Config): number;
  run(ctx: TaskContext<Config>): Promise<void>;
}

export interface HealthReport {
  ok: boolean;
  detail?: Record<string, unknown>;
}

export interface HealthContext<Config> extends InstanceContext<Config> {
  signal: AbortSignal;
}

export interface RunningSimulator {
  url: string;
  close(): Promise<void>;
}

export interface SimulatorOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  log: Logger;
}

/** A standalone fake of the provider that speaks the real protocol, with `/__control` and `/__received`. */
export interface SimulatorDefinition {
  start(options: SimulatorOptions): Promise<RunningSimulator>;
  /** The instance config that points a sandbox instance at a running simulator. */
  sandboxConfig(simulatorUrl: string): Record<string, unknown>;
}

/** Delivery settings a plugin or an instance may override. Defaults in core/runtime/policy.ts. */
export interface DeliveryOverrides {
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  maxAgeMs?: number;
  timeoutMs?: number;
  concurrency?: number;
  ratePerSecond?: number;
  breakerThreshold?: number;
  breakerCooldownMs?: number;
}

export interface PluginDefinition<C extends CapabilityName = CapabilityName, Config = unknown> {
  /** Folder name and the `plugin` field of an instance in the gateway config, e.g. `sms-viettel`. */
  id: string;
  capability: C;
  configSchema: v.GenericSchema<unknown, Config>;
  operations: OperationHandlers<C, Config>;
  callbacks?: CallbackHandler<Config>;
  health?(ctx: HealthContext<Config>): Promise<HealthReport>;
  tasks?: readonly PluginTask<Config>[];
  simulator?: SimulatorDefinition;
  delivery?: DeliveryOverrides;
  /** The events it emits (`{}` when none); core declares its own, such as `message.dead`. */
  events?: EventDeclarations;
}

/** Declares a plugin; the types of its operations' inputs and outputs flow from the capability. */
export function definePlugin<C extends CapabilityName, Config>(
  definition: PluginDefinition<C, Config>,
): PluginDefinition<C, Config> {
  return definition;
}

/**
 * A plugin of any capability and config, as the core holds them in its list. Methods are declared as methods
 * so that a plugin with a narrower config type is assignable here.
 */
export interface AnyPlugin {
  id: string;
  capability: CapabilityName;
  configSchema: v.GenericSchema<unknown, unknown>;
  operations: Record<
    string,
    {
      prepare?(input: unknown, ctx: PrepareContext<unknown>): unknown;
      run(input: unknown, ctx: OperationContext<unknown>): Promise<unknown>;
    }
  >;
  callbacks?: CallbackHandler<unknown>;
  health?(ctx: HealthContext<unknown>): Promise<HealthReport>;
  tasks?: readonly PluginTask<unknown>[];
  simulator?: SimulatorDefinition;
  delivery?: DeliveryOverrides;
  events?: EventDeclarations;
}
