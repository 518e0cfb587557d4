/**
 * Trace ids for log lines, with the OpenTelemetry API alone (logging.ts loads this on every start,
 * so it must not pull the SDK in).
 */
import { context, trace } from '@opentelemetry/api';

/** The trace and span ids of the active span, for every log line written on a request's behalf. */
export function activeTraceFields(): { traceId?: string; spanId?: string } {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
}

/** Given a `traceparent` header, returns its trace id when it is well-formed (tracing off: logs only). */
export function traceIdOf(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value ? /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/.exec(value.trim()) : null;
  return match && !/^0+$/.test(match[1] as string) ? match[1] : undefined;
}
