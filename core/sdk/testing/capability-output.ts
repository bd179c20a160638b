import { type CapabilityName, type OperationName, findOperation } from '../../capabilities/index.ts';
import { outputBreach } from '../../runtime/run-operation.ts';

/**
 * Fails the test when `result` is not what the plugin's capability lets `operation` answer, with the capability
 * schema's message: the check the sandbox (and so every whole-gateway test) makes of each result. An operation
 * answering a file (`binary`) is not checked, as in the gateway.
 */
export function expectCapabilityOutput<C extends CapabilityName>(plugin: { id: string; capability: C }, operation: OperationName<C>, result: unknown): void {
  if (!findOperation(plugin.capability, operation)) throw new Error(`capability '${plugin.capability}' has no operation '${operation}'`);
  const breach = outputBreach({ plugin }, operation, result);
  if (breach) throw new Error(breach);
}
