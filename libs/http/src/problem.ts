import type { FieldIssue } from '@mandate/domain';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** RFC 7807 problem details, with Mandate's stable `code` and the request id for support. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  requestId: string;
  errors?: FieldIssue[];
  [extension: string]: unknown;
}

export const problemType = (code: string): string => `urn:mandate:problem:${code}`;

/**
 * Codes produced by the HTTP edge itself. Domain refusals bring their own codes (the deciders
 * define them); those map to a status by their kind.
 */
export const EDGE_PROBLEM_CODES = {
  'validation-failed': { status: 400, title: 'Request validation failed' },
  'malformed-json': { status: 400, title: 'Malformed JSON body' },
  'bad-request': { status: 400, title: 'Bad request' },
  'missing-token': { status: 401, title: 'Authentication required' },
  'invalid-token': { status: 401, title: 'Invalid token' },
  forbidden: { status: 403, title: 'Forbidden' },
  'route-not-found': { status: 404, title: 'No such route' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'malformed-url': { status: 400, title: 'Malformed URL' },
  'body-too-large': { status: 413, title: 'Body too large' },
  'path-parameter-too-long': { status: 414, title: 'Path parameter too long' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'internal-error': { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: number; title: string }>;

export type EdgeProblemCode = keyof typeof EDGE_PROBLEM_CODES;

/** The problem document's OpenAPI schema, referenced by every operation's error responses. */
export const problemOpenApiSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'instance', 'code', 'requestId'],
  properties: {
    type: { type: 'string', example: 'urn:mandate:problem:validation-failed' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    code: { type: 'string', description: 'Stable, machine-readable.', example: 'validation-failed' },
    requestId: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: { path: { type: 'string', example: 'body.name' }, message: { type: 'string' } },
      },
    },
    details: { type: 'object', additionalProperties: true },
  },
} as const;
