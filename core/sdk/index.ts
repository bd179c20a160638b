/**
 * The adapter SDK: everything a plugin imports from core, in one place. A plugin imports this module and the
 * capability schemas it implements (`core/capabilities/…`), nothing else of core; its tests add `./testing.ts`.
 */
export * from './contract.ts';
export { RetryableError, PermanentError, NotFoundError, InputError, errorMessage, type InputIssue } from './errors.ts';
export { Secret, secret } from './secret.ts';
export { httpUrlField, instanceConfig, pathField, textField, wholeNumberField } from './config-fields.ts';
export { codeTable, type CodeRow, type CodeTable, type CodeTableOptions, type MatchingRow } from './provider/code-table.ts';
export { hostOf } from './provider/host.ts';
export { httpStatusError } from './provider/http-status.ts';
export { maskedExcerpt } from './provider/masked-excerpt.ts';
export { requestJson, type ErrorAnswer, type JsonAnswer, type JsonRequest } from './provider/request-json.ts';
export { parseRetryAfter } from './provider/retry-after.ts';
export { maskAccount, maskPhone } from '../audit/mask.ts';
export { createFaultInjector, controlRoutes, listen, type FaultInjector, type FaultDecision } from './simulator/kit.ts';
export type { PluginServices } from '../runtime/plugin-services.ts';
