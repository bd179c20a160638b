import pino, { type Logger } from 'pino';

/** JSON logs on stdout. Secrets are removed by path even if a caller logs a whole object by mistake. */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'lienthong' },
      redact: {
        paths: [
          'authorization', '*.authorization', 'headers.authorization', 'req.headers.authorization',
          'password', '*.password', 'secret', '*.secret', 'token', '*.token', 'apiKey', '*.apiKey',
          'privateKey', '*.privateKey', 'signature', '*.signature',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
