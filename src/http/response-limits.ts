/**
 * The bounds on what one GraphQL response may cost the gateway once Apollo has executed it: its
 * size (`MAX_RESPONSE_BYTES`) and its time (`REQUEST_DEADLINE_MS` covers serialization too).
 *
 * Contract: `finishWithin` resolves with Apollo's response, or with `'late'` when it is not ready
 * within the deadline plus `DEADLINE_SLACK_MS`; `responseText` returns the whole body, or
 * undefined once it passes the size limit (a streamed body stops being read there).
 */
import type { HTTPGraphQLResponse } from '@apollo/server';

/**
 * How long past the deadline a response may take to be built. At the deadline every field still
 * waiting fails with UPSTREAM_TIMEOUT and the rest is answered; building that answer takes
 * milliseconds, so one still not ready after this slack is stuck in serialization.
 */
export const DEADLINE_SLACK_MS = 1_000;

/**
 * Given Apollo's pending response and when the request started, resolves with the response, or
 * `'late'` if it is not ready `deadlineMs + DEADLINE_SLACK_MS` after `startedAt` (also when it
 * arrives after that: JSON serialization is synchronous, so a timer cannot interrupt it).
 */
export async function finishWithin(
  pending: Promise<HTTPGraphQLResponse>,
  startedAt: number,
  deadlineMs: number,
): Promise<HTTPGraphQLResponse | 'late'> {
  const limitAt = startedAt + deadlineMs + DEADLINE_SLACK_MS;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), Math.max(0, limitAt - Date.now()));
  });
  try {
    const outcome = await Promise.race([pending, late]);
    return outcome !== 'late' && Date.now() > limitAt ? 'late' : outcome;
  } finally {
    clearTimeout(timer);
  }
}

/** Given Apollo's response body, returns its text, or undefined when it is over `maxBytes`. */
export async function responseText(
  body: HTTPGraphQLResponse['body'],
  maxBytes: number,
): Promise<string | undefined> {
  if (body.kind === 'complete') {
    // Each UTF-16 unit is 1 to 3 UTF-8 bytes: the exact count is only needed near the limit.
    if (body.string.length > maxBytes) return undefined;
    if (body.string.length * 3 > maxBytes && Buffer.byteLength(body.string) > maxBytes) return undefined;
    return body.string;
  }
  let text = '';
  let size = 0;
  for await (const chunk of body.asyncIterator) {
    size += Buffer.byteLength(chunk);
    if (size > maxBytes) return undefined;
    text += chunk;
  }
  return text;
}
