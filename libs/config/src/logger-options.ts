import type { Params } from 'nestjs-pino';
import { traceLogFields } from '@cloud-inventory/observability';

/** Paths pino replaces with "[Redacted]" wherever they appear in a log object. */
export const REDACTED_PATHS = [
  'secret_data',
  '*.secret_data',
  '*.*.secret_data',
  'data.secret_data',
  'req.headers.authorization',
  'req.headers.token',
  'req.body.data',
  'req.body.secret_data',
  'password',
  '*.password',
  'token',
  '*.token',
];

/**
 * JSON logs with the class name as context and secrets redacted. LOG_LEVEL sets the level;
 * LOG_PRETTY=true prints human-readable lines (pino-pretty) for local runs. With tracing on
 * (OTEL_EXPORTER_OTLP_ENDPOINT), a line written inside a span carries its trace_id and span_id.
 */
export function loggerOptions(app: string): Params {
  const pretty = process.env['LOG_PRETTY'] === 'true';
  return {
    pinoHttp: {
      name: app,
      level: process.env['LOG_LEVEL'] ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
      autoLogging: { ignore: (req) => req.url === '/health' },
      customProps: () => ({ app }),
      mixin: traceLogFields,
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
      },
      transport: pretty ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } } : undefined,
    },
  };
}
