/** The structured logger; secrets and tokens are redacted wherever they would appear. */
import { pino, type Logger } from 'pino';

export function createLogger(level = 'info'): Logger {
  return pino({
    level,
    base: undefined,
    redact: {
      paths: ['password', '*.password', 'token', '*.token', 'authorization', '*.authorization', 'req.headers.authorization', 'caller', '*.caller'],
      censor: '[redacted]',
    },
  });
}
