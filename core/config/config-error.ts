/** The gateway refuses to start: the message names the plugin, instance and field at fault. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
