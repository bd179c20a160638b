import { type OperationSpec, capabilities } from '../../capabilities/index.ts';
import { responseSchema } from './json-schema.ts';
import { type JsonSchema, ref } from './types.ts';
import { schemaStem } from './unified-paths.ts';

/**
 * `MessageResult`: which `result` a message carries, by its capability and operation (the pair picks exactly one
 * branch), and the `…Output` components of the operations callers never call (a webhook delivery's), which
 * unified-paths.ts leaves out. Only asynchronous operations make messages.
 */
export function messageResultSchemas(): Record<string, JsonSchema> {
  const schemas: Record<string, JsonSchema> = {};
  const branches: JsonSchema[] = [];
  for (const [capability, spec] of Object.entries(capabilities)) {
    const operations: Record<string, OperationSpec> = spec.operations;
    for (const [name, operation] of Object.entries(operations)) {
      if (operation.mode !== 'async') continue;
      const output = `${schemaStem(capability, name)}Output`;
      if (operation.internal) schemas[output] = responseSchema(operation.output);
      branches.push({
        type: 'object',
        required: ['capability', 'operation', 'result'],
        properties: {
          capability: { type: 'string', const: capability },
          operation: { type: 'string', const: name },
          result: { oneOf: [ref('schemas', output), { type: 'null' }] },
        },
      });
    }
  }
  return {
    MessageResult: {
      description:
        "A message's `result` by its `capability` and `operation`: once it has succeeded, that operation's output " +
        '(its `…Output` schema, e.g. `SmsSendOutput` for sms/send); null before.',
      oneOf: branches,
    },
    ...schemas,
  };
}
