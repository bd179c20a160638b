/**
 * The one place a plugin's context is built, for every hook of an instance: an operation's attempt, a callback, a
 * task, a health check. The test kit builds its contexts here too, so a plugin's tests see what the gateway hands it.
 */
import type { AxiosInstance } from 'axios';
import type { Logger } from 'pino';
import type { CallbackContext, HealthContext, InstanceContext, OperationContext, StatefulContext, TaskContext } from '../sdk/contract.ts';
import type { PluginServices } from './plugin-services.ts';

/** What an instance lends every hook: its id, config, logger and outbound client. */
export interface ContextSource<Config = unknown> {
  id: string;
  config: Config;
  log: Logger;
  http: AxiosInstance;
}

function instanceContext<Config>(source: ContextSource<Config>, log: Logger = source.log): InstanceContext<Config> {
  return { instance: source.id, config: source.config, log, http: source.http };
}

function statefulContext<Config>(source: ContextSource<Config>, services: PluginServices, log?: Logger): StatefulContext<Config> {
  return { ...instanceContext(source, log), records: services.records, emit: services.emit };
}

/** Which attempt of which message an operation runs for. */
export interface AttemptFacts {
  messageId: string;
  sequence?: number | undefined;
  attempt: number;
  triedBefore?: boolean | undefined;
  agency: string;
  signal: AbortSignal;
  log: Logger;
}

export function operationContext<Config>(source: ContextSource<Config>, services: PluginServices, facts: AttemptFacts): OperationContext<Config> {
  // One literal rather than spreads of the smaller contexts: built for every attempt, and copying objects of
  // varying shapes cost an attempt more than its whole deadline and signal.
  return {
    instance: source.id,
    config: source.config,
    log: facts.log,
    http: source.http,
    records: services.records,
    emit: services.emit,
    messageId: facts.messageId,
    sequence: facts.sequence,
    attempt: facts.attempt,
    triedBefore: facts.triedBefore ?? false,
    agency: facts.agency,
    signal: facts.signal,
    callbackUrl: services.callbackUrl,
  };
}

export function callbackContext<Config>(source: ContextSource<Config>, services: PluginServices, log: Logger): CallbackContext<Config> {
  return statefulContext(source, services, log);
}

export function taskContext<Config>(
  source: ContextSource<Config>,
  services: PluginServices,
  task: { log: Logger; signal: AbortSignal; audit: TaskContext<Config>['audit'] },
): TaskContext<Config> {
  return { ...statefulContext(source, services, task.log), audit: task.audit, signal: task.signal };
}

export function healthContext<Config>(source: ContextSource<Config>, signal: AbortSignal): HealthContext<Config> {
  return { ...instanceContext(source), signal };
}
