import type { JsonSchema } from '@valibot/to-json-schema';

export type { JsonSchema };

/** The parts of OpenAPI 3.1 the gateway's document uses, typed just enough to catch a misplaced field. */
export interface Reference {
  $ref: string;
}

export interface MediaType {
  schema?: JsonSchema;
  example?: unknown;
}

export interface Header {
  description?: string;
  required?: boolean;
  schema: JsonSchema;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  description?: string;
  required?: boolean;
  schema: JsonSchema;
}

export interface RequestBody {
  description?: string;
  required?: boolean;
  content: Record<string, MediaType>;
}

export interface Response {
  description: string;
  headers?: Record<string, Header | Reference>;
  content?: Record<string, MediaType>;
}

export type Responses = Record<string, Response | Reference>;

/** A security requirement: an empty list makes an operation public. */
export type Security = Array<Record<string, string[]>>;

export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security?: Security;
  parameters?: Array<Parameter | Reference>;
  requestBody?: RequestBody;
  responses: Responses;
}

export type PathItem = Partial<Record<'get' | 'post', Operation>>;

export type Paths = Record<string, PathItem>;

export interface Tag {
  name: string;
  description: string;
}

export interface Server {
  url: string;
  description?: string;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; summary: string; description: string; license: { name: string; identifier: string } };
  servers: Server[];
  tags: Tag[];
  security: Security;
  paths: Paths;
  webhooks: Record<string, PathItem>;
  components: {
    schemas: Record<string, JsonSchema>;
    responses: Record<string, Response>;
    parameters: Record<string, Parameter>;
    headers: Record<string, Header>;
    securitySchemes: Record<string, { type: 'http'; scheme: 'bearer'; description: string }>;
  };
}

export const ref = (kind: 'schemas' | 'responses' | 'parameters' | 'headers', name: string): Reference => ({ $ref: `#/components/${kind}/${name}` });
