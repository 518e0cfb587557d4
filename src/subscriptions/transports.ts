/**
 * The two live transports, over the standard server helpers of their libraries:
 *
 * - graphql-ws (protocol `graphql-transport-ws`) on the gateway's HTTP server at `/graphql`
 *   (`upgrade` requests), with WebSocket pings every `SUBSCRIPTION_KEEPALIVE_MS`;
 * - graphql-sse (distinct connections mode) at `/graphql/stream`, with its comment pings every 12 s.
 *
 * Both admit every operation through `LiveService.prepare` (same checks as HTTP) and format every
 * error the same way. The gateway API key is taken from the upgrade request's headers or from the
 * `connection_init` payload (browsers cannot set WebSocket headers), and vendor credential headers
 * may be passed in that payload too; over SSE both are ordinary request headers (checked in
 * http/handler.ts). A subscription ends when the client completes it or goes away; its slot,
 * its event executions and, with its last subscriber, its poller end with it.
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ExecutionArgs } from 'graphql';
import { createHandler } from 'graphql-sse';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { isAuthorized } from '../auth.js';
import type { Config } from '../config.js';
import type { Logger } from 'pino';
import type { LiveService } from './live.js';

/** Returns who a client is for the per-client limit: its API key's hash, else its address. */
export function clientOf(headers: IncomingHttpHeaders, address: string | undefined): string {
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1]?.trim();
  const header = headers['x-api-key'];
  const key = bearer ?? (Array.isArray(header) ? header[0] : header);
  return key ? `key:${createHash('sha256').update(key).digest('hex').slice(0, 32)}` : `addr:${address ?? ''}`;
}

/** The running WebSocket transport. */
export interface WebSocketTransport {
  /** Open WebSocket connections. */
  readonly connections: number;
  /** Closes every connection (1001 going away) and stops accepting new ones. */
  close(): Promise<void>;
}

/** Serves graphql-ws on `server`'s upgrade requests to /graphql. */
export function attachWebSocket(
  server: Server,
  live: LiveService,
  config: Config,
  logger: Logger,
  stopping: () => boolean,
): WebSocketTransport {
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.limits.maxBodyBytes });
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://gateway').pathname;
    if (stopping() || (path !== '/graphql' && path !== '/')) {
      socket.end(
        `HTTP/1.1 ${stopping() ? '503 Service Unavailable' : '404 Not Found'}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  server.on('upgrade', onUpgrade);

  // The headers in force for a connection: the upgrade request's, then the connection_init payload's.
  const connectionHeaders = new WeakMap<object, IncomingHttpHeaders>();
  const disposable = useServer(
    {
      schema: live.schemaForTransports,
      connectionInitWaitTimeout: 10_000,
      onConnect: (ctx) => {
        const headers: IncomingHttpHeaders = { ...ctx.extra.request.headers };
        for (const [key, value] of Object.entries(ctx.connectionParams ?? {})) {
          if (typeof value === 'string') headers[key.toLowerCase()] = value;
        }
        if (!isAuthorized(config.auth.apiKeys, headers)) return false;
        connectionHeaders.set(ctx, headers);
        return true;
      },
      onSubscribe: (ctx, _id, payload) => {
        const headers = connectionHeaders.get(ctx) ?? {};
        const prepared = live.prepare(headers, payload, {
          client: clientOf(headers, ctx.extra.request.socket.remoteAddress),
          connection: ctx,
        });
        return prepared;
      },
      subscribe: (args: ExecutionArgs) => live.subscribe(args),
      onNext: (_ctx, _id, _payload, _args, result) => live.format(result),
      onError: (_ctx, _id, _payload, errors) => live.formatErrors(errors),
    },
    wss,
    config.live.keepAliveMs,
  );
  // graphql-ws reports a socket error (an oversized message, a reset) with console.error; ws has
  // already closed such a socket (1009 for a message over MAX_BODY_BYTES): log it as one line of ours.
  wss.on('connection', (socket) => {
    socket.removeAllListeners('error');
    socket.on('error', (error) => logger.warn({ err: error.message }, 'websocket closed on error'));
  });
  return {
    get connections() {
      return wss.clients.size;
    },
    async close() {
      server.off('upgrade', onUpgrade);
      for (const client of wss.clients) client.close(1001, 'Going away');
      await disposable.dispose();
    },
  };
}

/**
 * Returns the SSE transport: graphql-sse's handler over a request whose body http/handler.ts has
 * already read within MAX_BODY_BYTES (so graphql-sse's own unbounded body reader is not used).
 */
export function createSseHandler(
  live: LiveService,
): (req: IncomingMessage, res: ServerResponse, body: string) => Promise<void> {
  const handler = createHandler<IncomingMessage, undefined>({
    schema: live.schemaForTransports,
    // Distinct connections only: every operation is its own request, nothing is reserved server-side.
    authenticate: () => null,
    onSubscribe: (req, params) => {
      const prepared = live.prepare(req.raw.headers, params, {
        client: clientOf(req.raw.headers, req.raw.socket.remoteAddress),
      });
      if (!Array.isArray(prepared)) return prepared as never;
      return [
        JSON.stringify({ errors: live.formatErrors(prepared) }),
        {
          status: 400,
          statusText: 'Bad Request',
          headers: { 'content-type': 'application/json; charset=utf-8' },
        },
      ];
    },
    subscribe: (args) => live.subscribe(args),
    // graphql-sse types its results with its own (unformatted) ExecutionResult; the shape is the same.
    onNext: (_ctx, _req, result) => live.format(result as never) as never,
  });
  return async (req, res, body) => {
    const [stream, init] = await handler({
      method: req.method ?? 'POST',
      url: req.url ?? '/',
      headers: {
        get: (key) => {
          const value = req.headers[key];
          return Array.isArray(value) ? value.join('\n') : value;
        },
      },
      body,
      raw: req,
      context: undefined,
    });
    res.writeHead(init.status, init.statusText, init.headers);
    if (!stream || typeof stream === 'string') {
      res.end(stream ?? undefined);
      return;
    }
    // The client leaving ends the stream, which completes the subscription (and frees its slot).
    res.once('close', () => void stream.return(undefined));
    for await (const chunk of stream) {
      if (!res.writable) break;
      await new Promise<void>((resolve, reject) =>
        res.write(chunk, (error) => (error ? reject(error) : resolve())),
      );
    }
    res.end();
  };
}
