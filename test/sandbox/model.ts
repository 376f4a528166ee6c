import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import formats from 'ajv-formats';

/**
 * services.json (Swagger 2.0) as JSON Schema for ajv: the definitions become one schema document
 * that `#/definitions/...` references resolve in, and each operation's response schemas are
 * compiled against it. This is the independent check that the sandbox speaks the model.
 */
interface SwaggerResponse {
  schema?: Record<string, unknown>;
  headers?: Record<string, unknown>;
}
interface SwaggerOperation {
  operationId: string;
  responses: Record<string, SwaggerResponse>;
  parameters?: { name: string; in: string; required?: boolean }[];
}
interface Swagger {
  paths: Record<string, Record<string, SwaggerOperation>>;
  definitions: Record<string, unknown>;
}

const services = JSON.parse(
  readFileSync(new URL('../../../shared/spapi/services.json', import.meta.url), 'utf8'),
) as Swagger;

export interface ModelOperation {
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  readonly responses: Record<string, SwaggerResponse>;
}

export const modelOperations: Map<string, ModelOperation> = new Map();
for (const [path, methods] of Object.entries(services.paths)) {
  for (const [method, operation] of Object.entries(methods)) {
    if (typeof operation !== 'object' || !('operationId' in operation)) continue;
    modelOperations.set(operation.operationId, {
      operationId: operation.operationId,
      method: method.toUpperCase(),
      path,
      responses: operation.responses,
    });
  }
}

const ajv = new Ajv({ strict: false, allErrors: true });
const addFormats = (formats as unknown as { default: typeof formats.default }).default ?? formats;
addFormats(ajv);
for (const f of ['int32', 'int64', 'double', 'float']) ajv.addFormat(f, true);
ajv.addSchema({ $id: 'services.json', definitions: services.definitions });

const cache = new Map<string, ValidateFunction>();

function rewriteRefs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rewriteRefs);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    out[k] =
      k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `services.json${v}` : rewriteRefs(v);
  }
  return out;
}

/** Problems with a response against the model; empty when it conforms. */
export function responseProblems(operationId: string, status: number, body: unknown): string[] {
  const op = modelOperations.get(operationId);
  if (!op) return [`${operationId} is not in the model`];
  const declared = op.responses[String(status)];
  if (!declared) return [`${operationId} does not declare status ${status}`];
  if (status === 204) return body === undefined || body === '' ? [] : ['204 must have no body'];
  if (!declared.schema) return [];
  const key = `${operationId}:${status}`;
  let validate = cache.get(key);
  if (!validate) {
    validate = ajv.compile(rewriteRefs(declared.schema) as object);
    cache.set(key, validate);
  }
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}

export function declaresRateLimitHeader(operationId: string, status: number): boolean {
  const headers = modelOperations.get(operationId)?.responses[String(status)]?.headers ?? {};
  return 'x-amzn-RateLimit-Limit' in headers;
}
