/**
 * The adapter SDK: everything a plugin imports from core, in one place. A plugin imports this module and the
 * capability schemas it implements (`core/capabilities/…`), nothing else of core; its tests add `./testing.ts`.
 */
export * from './contract.ts';
export { RetryableError, PermanentError, NotFoundError, InputError, errorMessage, type InputIssue, type RetryableErrorOptions } from './errors.ts';
export { Secret, secret } from './secret.ts';
export { httpUrlField, instanceConfig, pathField, textField, wholeNumberField } from './config-fields.ts';
export { codeTable, type CodeRow, type CodeTable, type CodeTableOptions, type MatchingRow } from './provider/code-table.ts';
export { hostOf } from './provider/host.ts';
export { httpStatusError } from './provider/http-status.ts';
export { maskedExcerpt } from './provider/masked-excerpt.ts';
export { requestJson, type ErrorAnswer, type JsonAnswer, type JsonRequest } from './provider/request-json.ts';
export { parseRetryAfter } from './provider/retry-after.ts';
export { requestText, type TextAnswer, type TextRequest } from './provider/request-text.ts';
export { maskAccount, maskPhone } from '../audit/mask.ts';
// The simulator kit (DESIGN.md, "Running it"): fault injection, the controls, the ledger of what was received.
export { createFaultInjector, type FaultDecision, type FaultInjector, type FaultInjectorOptions, type FaultMode, type FaultSettings } from './simulator/faults.ts';
export {
  faultMiddleware,
  faultPlayer,
  gatewayTimeout,
  serviceUnavailable,
  type FaultAnswer,
  type FaultAnswers,
  type FaultEnv,
  type PlayedFault,
} from './simulator/fault-answers.ts';
export { controlRoutes, simulatorSettings, type SimulatorSettings } from './simulator/control.ts';
export { createReceivedLedger, RECEIVED_LIMIT, type Deliveries, type ReceivedLedger } from './simulator/received.ts';
export { listen } from './simulator/listen.ts';
export { closedSignal, writeResponse } from './simulator/node-response.ts';
export { sandboxAccount, sandboxName, sandboxSecret, type SandboxSecretOptions } from './simulator/sandbox-account.ts';
export type { PluginServices } from '../runtime/plugin-services.ts';
