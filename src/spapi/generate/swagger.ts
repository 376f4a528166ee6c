/** The subset of Swagger 2.0 that Amazon's Selling Partner API models use. */
export interface SwaggerSchema {
  $ref?: string;
  type?: string;
  format?: string;
  description?: string;
  enum?: readonly (string | number)[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  minItems?: number;
  maxItems?: number;
  items?: SwaggerSchema;
  required?: readonly string[];
  properties?: Record<string, SwaggerSchema>;
  additionalProperties?: SwaggerSchema | boolean;
  default?: unknown;
}

export interface SwaggerParameter extends Omit<SwaggerSchema, 'required'> {
  name: string;
  in: 'path' | 'query' | 'body' | 'header' | 'formData';
  required?: boolean;
  schema?: SwaggerSchema;
  collectionFormat?: 'csv' | 'ssv' | 'tsv' | 'pipes' | 'multi';
}

interface SwaggerResponse {
  description?: string;
  schema?: SwaggerSchema;
  headers?: Record<string, { type?: string; description?: string }>;
}

export interface SwaggerOperation {
  operationId: string;
  description?: string;
  summary?: string;
  tags?: readonly string[];
  parameters?: readonly SwaggerParameter[];
  responses: Record<string, SwaggerResponse>;
}

export interface SwaggerDocument {
  swagger: string;
  info: { title?: string; version: string };
  host?: string;
  basePath?: string;
  paths: Record<string, Record<string, SwaggerOperation | readonly SwaggerParameter[]>>;
  definitions: Record<string, SwaggerSchema>;
}

export const httpMethods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
