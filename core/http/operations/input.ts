import type { Context } from 'hono';
import * as v from 'valibot';
import type { OperationSpec } from '../../capabilities/index.ts';
import { INPUT_CHECKS } from '../../capabilities/messages.ts';
import type { InstanceRuntime } from '../../runtime/instances.ts';
import { InputError } from '../../sdk/errors.ts';
import type { AppEnv } from '../env.ts';
import { describeIssues, invalidInput, malformedJson } from '../problem.ts';

export type Input = { agency: string } & Record<string, unknown>;

/** The body, parsed and checked against the operation's schema: 400 naming each field otherwise. */
export async function validInput(c: Context<AppEnv>, spec: OperationSpec): Promise<Input> {
  const text = await c.req.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw malformedJson();
  }
  const parsed = v.safeParse(spec.input, body, INPUT_CHECKS);
  if (!parsed.success) throw invalidInput(describeIssues(parsed.issues));
  return parsed.output as Input;
}

/**
 * The capability's own rules for every provider (an SMS's text), then the instance's `prepare`: both may normalise
 * the input, and both refuse with InputError, a 400 like the schema's.
 */
export function prepare(instance: InstanceRuntime, operation: string, raw: Input, spec: OperationSpec): Input {
  const handler = instance.plugin.operations[operation];
  try {
    const input = (spec.normalise?.(raw) ?? raw) as Input;
    return handler?.prepare ? (handler.prepare(input, { instance: instance.id, config: instance.config }) as Input) : input;
  } catch (error) {
    if (error instanceof InputError) throw invalidInput(error.issues);
    throw error;
  }
}
