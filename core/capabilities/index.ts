import type * as v from 'valibot';
import type { OperationSpec } from './define.ts';
import { ecard } from './ecard.ts';
import { payment } from './payment.ts';
import { portal } from './portal.ts';
import { sms } from './sms.ts';
import { webhook } from './webhook.ts';

/** The unified API: every capability and its operations. Adapters implement these; core validates with them. */
export const capabilities = { sms, payment, ecard, portal, webhook };

export type Capabilities = typeof capabilities;
export type CapabilityName = keyof Capabilities;
export type OperationName<C extends CapabilityName> = keyof Capabilities[C]['operations'] & string;
type Spec<C extends CapabilityName, Op extends OperationName<C>> = Capabilities[C]['operations'][Op];
export type OperationInput<C extends CapabilityName, Op extends OperationName<C>> =
  Spec<C, Op> extends OperationSpec<infer I, v.GenericSchema> ? v.InferOutput<I> : never;
export type OperationOutput<C extends CapabilityName, Op extends OperationName<C>> =
  Spec<C, Op> extends OperationSpec<v.GenericSchema, infer O> ? v.InferOutput<O> : never;

export function isCapabilityName(name: string): name is CapabilityName {
  return Object.hasOwn(capabilities, name);
}

/** The spec of `capability/operation`, or undefined when either is unknown. */
export function findOperation(capability: string, operation: string): OperationSpec | undefined {
  if (!isCapabilityName(capability)) return undefined;
  const operations: Record<string, OperationSpec> = capabilities[capability].operations;
  return Object.hasOwn(operations, operation) ? operations[operation] : undefined;
}

export type { OperationSpec } from './define.ts';
