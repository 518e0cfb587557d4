/**
 * Validates simulator responses against the upstream OpenAPI documents in schema/upstream/ with
 * a real JSON Schema validator (Ajv, which understands OpenAPI 3.0's `nullable`).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

type Json = Record<string, unknown>;

export interface OpenApiValidator {
  /**
   * Given an operationId, an HTTP status and a parsed body, returns the validation errors
   * (empty when the body matches the documented response; throws when none is documented).
   */
  errors(operationId: string, status: number, body: unknown): string[];
}

/** Loads schema/upstream/<vendor>.openapi.yaml. */
export function loadOpenApi(vendor: 'fireworks' | 'runai' | 'gitpod'): Json {
  const path = fileURLToPath(new URL(`../../schema/upstream/${vendor}.openapi.yaml`, import.meta.url));
  return parse(readFileSync(path, 'utf8')) as Json;
}

export function createOpenApiValidator(vendor: 'fireworks' | 'runai' | 'gitpod'): OpenApiValidator {
  const doc = loadOpenApi(vendor);
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...doc, $id: vendor });
  const cache = new Map<string, ValidateFunction>();

  function responsePointer(operationId: string, status: number): string {
    const paths = doc.paths as Record<string, Record<string, Json>>;
    for (const [path, item] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (op.operationId !== operationId) continue;
        const responses = op.responses as Record<string, Json>;
        const key =
          String(status) in responses ? String(status) : 'default' in responses ? 'default' : undefined;
        if (!key) throw new Error(`${vendor} ${operationId}: no documented response for HTTP ${status}`);
        let response = responses[key] as Json;
        let pointer = `/paths/${escape(path)}/${method}/responses/${key}`;
        if (typeof response.$ref === 'string') {
          pointer = response.$ref.slice(1);
          const name = response.$ref.split('/').pop() as string;
          response = ((doc.components as Json).responses as Record<string, Json>)[name] as Json;
        }
        if (!(response.content as Json | undefined)?.['application/json']) {
          throw new Error(`${vendor} ${operationId}: HTTP ${status} documents no JSON body`);
        }
        return `${vendor}#${pointer}/content/application~1json/schema`;
      }
    }
    throw new Error(`${vendor}: no operation ${operationId}`);
  }

  return {
    errors(operationId, status, body) {
      const ref = responsePointer(operationId, status);
      let validate = cache.get(ref);
      if (!validate) {
        validate = ajv.compile({ $ref: ref });
        cache.set(ref, validate);
      }
      return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
    },
  };
}

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
