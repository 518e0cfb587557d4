/**
 * Plain HTTP for the simulator tests: a GET carrying a bearer token, its JSON answer parsed.
 */

/** A simulator's answer: status, headers, and the parsed JSON body (undefined when empty). */
export interface JsonResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/** GETs `url` with `params` and `Authorization: Bearer <token>` (none when `token` is null). */
export async function getWithBearer(
  url: string,
  params: URLSearchParams,
  token: string | null,
): Promise<JsonResponse> {
  const qs = params.toString();
  const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
  const res = await fetch(`${url}${qs ? `?${qs}` : ''}`, { headers });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text === '' ? undefined : (JSON.parse(text) as unknown),
  };
}
