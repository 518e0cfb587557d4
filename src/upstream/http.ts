/**
 * The HTTP layer under every vendor client: one pooled keep-alive undici dispatcher per upstream
 * (made once per process), and a per-request session that adds the caller's credential and makes
 * each distinct upstream request once per GraphQL request.
 *
 * Contract: `UpstreamSession.json` resolves with the parsed JSON body of a 2xx answer, or rejects
 * with an `UpstreamError` whose code comes from the error module (never a raw undici error).
 */
import { Pool, errors as undiciErrors } from 'undici';
import type { ResilienceConfig } from '../config.js';
import {
  ErrorCode,
  upstreamErrorFromAnswer,
  upstreamFailure,
  type UpstreamError,
  type Vendor,
} from '../errors.js';

/** One upstream request, relative to the vendor's base URL. */
export interface UpstreamRequest {
  method: 'GET' | 'POST';
  /** Path below the base URL, already percent-encoded where it holds identifiers. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface UpstreamPoolOptions {
  resilience: ResilienceConfig;
  devMode: boolean;
}

/** The process-wide connection pool of one vendor. */
export class UpstreamPool {
  readonly pool: Pool;
  private readonly basePath: string;

  constructor(
    readonly vendor: Vendor,
    baseUrl: string,
    private readonly options: UpstreamPoolOptions,
  ) {
    const url = new URL(baseUrl);
    this.basePath = url.pathname.replace(/\/$/, '');
    this.pool = new Pool(url.origin, {
      connections: options.resilience.maxConcurrent,
      connect: { timeout: options.resilience.timeouts.connectMs },
      headersTimeout: options.resilience.timeouts.headersMs,
      bodyTimeout: options.resilience.timeouts.bodyMs,
      keepAliveTimeout: 10_000,
    });
  }

  /** Sends one request with `credential` as its bearer token; see the file contract. */
  async json(request: UpstreamRequest, credential: string, signal?: AbortSignal): Promise<unknown> {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) search.set(key, String(value));
    }
    const qs = search.toString();
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${credential}`,
      ...request.headers,
    };
    let body: string | undefined;
    if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers['content-type'] = 'application/json';
    }
    let response: Awaited<ReturnType<Pool['request']>>;
    try {
      response = await this.pool.request({
        method: request.method,
        path: `${this.basePath}${request.path}${qs ? `?${qs}` : ''}`,
        headers,
        body,
        signal,
      });
    } catch (error) {
      throw this.failure(error);
    }
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      throw this.failure(error);
    }
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      if (response.statusCode >= 200 && response.statusCode < 300) {
        throw upstreamFailure(
          this.vendor,
          ErrorCode.UPSTREAM_ERROR,
          'answered a body that is not valid JSON.',
        );
      }
      parsed = undefined;
    }
    if (response.statusCode < 200 || response.statusCode >= 300) {
      throw upstreamErrorFromAnswer(this.vendor, response.statusCode, parsed, {
        devMode: this.options.devMode,
        retryAfterSeconds: retryAfter(response.headers['retry-after']),
      });
    }
    return parsed;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private failure(error: unknown): UpstreamError {
    if (
      error instanceof undiciErrors.HeadersTimeoutError ||
      error instanceof undiciErrors.BodyTimeoutError ||
      error instanceof undiciErrors.ConnectTimeoutError
    ) {
      return upstreamFailure(
        this.vendor,
        ErrorCode.UPSTREAM_TIMEOUT,
        'did not answer within the time budget.',
      );
    }
    if (
      (error as { name?: string }).name === 'AbortError' ||
      error instanceof undiciErrors.RequestAbortedError
    ) {
      return upstreamFailure(
        this.vendor,
        ErrorCode.UPSTREAM_TIMEOUT,
        'call was cancelled at the request deadline.',
      );
    }
    return upstreamFailure(
      this.vendor,
      ErrorCode.UPSTREAM_UNAVAILABLE,
      'could not be reached (connection failed).',
    );
  }
}

function retryAfter(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/**
 * The upstream access of one GraphQL request for one vendor: the credential in force for this
 * request, and a memo so that identical requests (same method, path, query and body) are sent once.
 */
export class UpstreamSession {
  private readonly memo = new Map<string, Promise<unknown>>();
  /** Every request sent, in order (tests and the cost report read it). */
  readonly sent: UpstreamRequest[] = [];

  constructor(
    private readonly upstream: UpstreamPool,
    private readonly credential: string,
    private readonly signal?: AbortSignal,
  ) {}

  /** Returns the parsed body of `request`, sending it at most once per session. */
  json<T>(request: UpstreamRequest): Promise<T> {
    const key = JSON.stringify([request.method, request.path, request.query ?? {}, request.body ?? null]);
    let pending = this.memo.get(key);
    if (!pending) {
      this.sent.push(request);
      pending = this.upstream.json(request, this.credential, this.signal);
      this.memo.set(key, pending);
    }
    return pending as Promise<T>;
  }
}
