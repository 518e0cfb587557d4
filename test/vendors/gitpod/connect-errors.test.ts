import { describe, expect, it } from 'vitest';
import { createWorld } from '../../../src/simulators/world.js';
import {
  CONNECT_CODE_HTTP_STATUS,
  CONNECT_CODES,
  connectCodeForHttpStatus,
  connectCodeFromHttpStatus,
  isConnectErrorBody,
} from '../../../src/vendors/gitpod/connect-errors.js';
import { generateGitpodData } from '../../../src/vendors/gitpod/simulator/index.js';
import { callListWarmPools, shareGitpodSimulator } from '../../helpers/gitpod-client.js';
import { createOpenApiValidator, loadOpenApi } from '../../helpers/openapi.js';

const world = createWorld();
const firstPage = generateGitpodData(world).warmPools.slice(0, 25);

let url: string;
shareGitpodSimulator(world, (shared) => (url = shared.url));

describe('Connect error codes', () => {
  it('maps every code to the HTTP status of the Connect specification', () => {
    expect(CONNECT_CODE_HTTP_STATUS).toEqual({
      canceled: 499,
      unknown: 500,
      invalid_argument: 400,
      deadline_exceeded: 504,
      not_found: 404,
      already_exists: 409,
      permission_denied: 403,
      resource_exhausted: 429,
      failed_precondition: 400,
      aborted: 409,
      out_of_range: 400,
      unimplemented: 501,
      internal: 500,
      unavailable: 503,
      data_loss: 500,
      unauthenticated: 401,
    });
  });

  it('lists the same codes as the ConnectCode enum of the OpenAPI document', () => {
    const schemas = (loadOpenApi('gitpod').components as { schemas: Record<string, { enum?: string[] }> })
      .schemas;
    expect(schemas.ConnectCode?.enum).toEqual([...CONNECT_CODES]);
  });

  it('chooses, for a bare status, a code that maps back to it', () => {
    for (const status of new Set(Object.values(CONNECT_CODE_HTTP_STATUS))) {
      expect(CONNECT_CODE_HTTP_STATUS[connectCodeForHttpStatus(status)]).toBe(status);
    }
    expect([400, 409, 500].map(connectCodeForHttpStatus)).toEqual([
      'invalid_argument',
      'aborted',
      'internal',
    ]);
    expect([502, 408, 413].map(connectCodeForHttpStatus)).toEqual(['unavailable', 'unknown', 'unknown']);
  });

  it("infers a code from the status of a non-Connect answer with the specification's client table", () => {
    expect([400, 401, 403, 404, 405, 415, 429, 500, 502, 503, 504].map(connectCodeFromHttpStatus)).toEqual([
      'internal',
      'unauthenticated',
      'permission_denied',
      'unimplemented',
      'unknown',
      'unknown',
      'unavailable',
      'unknown',
      'unavailable',
      'unavailable',
      'unavailable',
    ]);
  });

  it('recognises Connect error bodies', () => {
    expect(isConnectErrorBody({ code: 'not_found', message: 'x' })).toBe(true);
    expect(isConnectErrorBody({ code: 'unavailable' })).toBe(true);
    expect(isConnectErrorBody({ code: 'NOT_FOUND', message: 'x' })).toBe(false);
    expect(isConnectErrorBody({ error: 'x' })).toBe(false);
    expect(isConnectErrorBody('<html>502</html>')).toBe(false);
  });
});

describe('ListWarmPools protocol errors', () => {
  it('answers 401 unauthenticated without a credential or with a wrong one', async () => {
    for (const credential of [null, 'wrong-token']) {
      const result = await callListWarmPools(url, { credential });
      expect(result.status).toBe(401);
      expect(result.body).toEqual({
        code: 'unauthenticated',
        message: 'the request does not have valid authentication credentials',
      });
    }
  });

  it('answers 405 with Allow: POST and no body for another method, as Connect servers do', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const result = await callListWarmPools(url, { method });
      expect([result.status, result.headers.get('allow'), result.text]).toEqual([405, 'POST', '']);
    }
  });

  it.each([
    ['text/plain', 'text/plain'],
    ['form encoding', 'application/x-www-form-urlencoded'],
    ['binary protobuf', 'application/proto'],
    ['streaming Connect', 'application/connect+json'],
    ['another charset', 'application/json; charset=latin1'],
    ['no content type', null],
  ])('answers 415 with Accept-Post and no body for %s', async (_, contentType) => {
    const result = await callListWarmPools(url, { contentType });
    expect([result.status, result.headers.get('accept-post'), result.text]).toEqual([
      415,
      'application/json, application/json; charset=utf-8',
      '',
    ]);
  });

  it('accepts application/json with a charset=utf-8 parameter in any case', async () => {
    for (const contentType of ['application/json; charset=utf-8', 'Application/JSON;charset=UTF-8']) {
      const result = await callListWarmPools(url, { contentType });
      expect(result.status).toBe(200);
      expect((result.body as { warmPools: unknown[] }).warmPools).toEqual(firstPage);
    }
  });

  it.each([
    ['truncated JSON', '{"filter": {', 'syntax error: '],
    ['a JSON array', '[]', 'the request must be a JSON object, got []'],
    ['JSON null', 'null', 'the request must be a JSON object, got null'],
    ['a non-object filter', '{"filter": "x"}', 'invalid value for message field filter: "x"'],
    [
      'a non-list projectIds',
      '{"filter": {"projectIds": "x"}}',
      'invalid value for repeated string field filter.projectIds: "x"',
    ],
    [
      'a number among environmentClassIds',
      '{"filter": {"environmentClassIds": [1]}}',
      'invalid value for string field filter.environmentClassIds[0]: 1',
    ],
    ['a numeric token', '{"pagination": {"token": 5}}', 'invalid value for string field pagination.token: 5'],
    [
      'a page size beyond int32',
      '{"pagination": {"pageSize": 4294967296}}',
      'invalid value for int32 field pagination.pageSize: 4294967296',
    ],
    [
      'both names of one field',
      '{"pagination": {"pageSize": 1, "page_size": 2}}',
      'duplicate field pagination.page_size (sent as both "pageSize" and "page_size")',
    ],
  ])('answers 400 invalid_argument for %s', async (_, body, problem) => {
    const result = await callListWarmPools(url, { body });
    expect(result.status).toBe(400);
    const { code, message } = result.body as { code: string; message: string };
    expect(code).toBe('invalid_argument');
    expect(message.startsWith(`unmarshal into *v1.ListWarmPoolsRequest: proto: ${problem}`)).toBe(true);
  });

  it('ignores unknown fields, as the Connect JSON codec discards them', async () => {
    const result = await callListWarmPools(url, { body: { futureField: 1, filter: { phases: ['X'] } } });
    expect(result.status).toBe(200);
    expect((result.body as { warmPools: unknown[] }).warmPools).toEqual(firstPage);
  });

  it('checks Connect-Protocol-Version when it is sent', async () => {
    const ok = await callListWarmPools(url, { headers: { 'connect-protocol-version': '1' } });
    expect(ok.status).toBe(200);
    const wrong = await callListWarmPools(url, { headers: { 'connect-protocol-version': '2' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toEqual({
      code: 'invalid_argument',
      message: 'Connect-Protocol-Version must be "1": got "2"',
    });
  });

  it('answers not_found for an unknown procedure', async () => {
    const result = await callListWarmPools(url, { path: '/gitpod.v1.PrebuildService/ListWarmPoolz' });
    expect(result.status).toBe(404);
    expect(result.body).toEqual({
      code: 'not_found',
      message: 'no route for POST /gitpod.v1.PrebuildService/ListWarmPoolz',
    });
    expect(createOpenApiValidator('gitpod').errors('ListWarmPools', 404, result.body)).toEqual([]);
  });
});
