/** The calls of one operation, made from its context: the same request id and signal for every provider call. */
import { NotFoundError, type OperationContext } from '../../core/sdk/index.ts';
import type { CardCall } from './card-client.ts';
import type { EcardConfig } from './config.ts';
import { instanceState, type InstanceState } from './instance-state.ts';
import type { RegistryCall } from './registry-client.ts';

export type EcardContext = OperationContext<EcardConfig>;

export interface Calls {
  state: InstanceState;
  card: CardCall;
  /** Undefined when the instance has no registry configured. */
  registry: RegistryCall | undefined;
}

export function callsOf(ctx: EcardContext): Calls {
  const state = instanceState(ctx);
  const common = { http: ctx.http, signal: ctx.signal, requestId: ctx.messageId };
  return {
    state,
    card: { ...common, config: ctx.config.card },
    registry: ctx.config.registry ? { ...common, config: ctx.config.registry, tokens: state.tokens } : undefined,
  };
}

/** Neither service knows what was asked about: a sync call answers 404. */
export const notFound = (what: string) => new NotFoundError(what, { code: 'NOT_FOUND' });
