import type { SandboxKey } from './sandbox-keys.ts';
import { NAMED_AGENCIES, type RunningSandbox } from './sandbox.ts';
import { sampleRequest } from './samples.ts';

/** What a newcomer reads after `npm start`: where things are, the keys, and curl lines that work. */
export function sandboxBanner(sandbox: RunningSandbox): string {
  const { url } = sandbox.gateway;
  const client = sandbox.keys.find((key) => key.role === 'client');
  const operator = sandbox.keys.find((key) => key.role === 'operator');
  const showKey = (key: SandboxKey | undefined) => (key?.fromEnv ? `from $${key.fromEnv}` : (key?.token ?? ''));
  const shellKey = (key: SandboxKey | undefined) => (key?.fromEnv ? `$${key.fromEnv}` : (key?.token ?? ''));
  const agency = NAMED_AGENCIES[0]?.code ?? '';
  const lines = [
    '',
    `lienthong sandbox on ${url}`,
    '',
    `  client key:   ${showKey(client)}`,
    `  operator key: ${showKey(operator)}`,
    ...(client?.fromEnv || operator?.fromEnv ? [] : ['  (sandbox only: these keys are shown once and work against this database)']),
    '',
    '  simulators:',
    ...Object.entries(sandbox.simulators).map(([plugin, simulatorUrl]) => `    ${plugin.padEnd(20)} ${simulatorUrl}`),
    '',
    '  try:',
  ];
  for (const instance of sandbox.gateway.context.instances.all) {
    const instanceAgency = (instance.agencies === '*' ? agency : [...instance.agencies][0]) ?? agency;
    const sample = sampleRequest(instance.plugin.capability, instanceAgency);
    if (!sample) continue;
    const body = JSON.stringify({ agency: instanceAgency, ...sample.body });
    lines.push(
      `    curl -s -X POST ${url}/v1/${instance.plugin.capability}/${sample.operation} -H "Authorization: Bearer ${shellKey(client)}" -H 'content-type: application/json' -d '${body}'`,
    );
  }
  lines.push(`    curl -s ${url}/admin/v1/instances -H "Authorization: Bearer ${shellKey(operator)}"`, `    curl -s ${url}/sandbox.json`, '');
  return lines.join('\n');
}
