import { HttpException } from '@nestjs/common';
import { ZodError } from 'zod';
import { isDomainError, type DomainErrorKind, type FieldIssue } from '@mandate/domain';
import { EDGE_PROBLEM_CODES, type EdgeProblemCode } from './problem';

export const STATUS_BY_KIND: Record<DomainErrorKind, number> = {
  validation: 400,
  unprocessable: 422,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_many_requests: 429,
  unavailable: 503,
};

const TITLE_BY_KIND: Record<DomainErrorKind, string> = {
  validation: 'Invalid request',
  unprocessable: 'Request cannot be processed',
  unauthorized: 'Authentication required',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  conflict: 'Conflict',
  too_many_requests: 'Too many requests',
  unavailable: 'Service unavailable',
};

/** A problem before the request-specific fields (instance, requestId) are added. */
export interface ProblemBody {
  status: number;
  code: string;
  title: string;
  detail: string;
  errors?: FieldIssue[];
  details?: Record<string, unknown>;
  /** True for failures we did not expect: logged with their stack, never shown. */
  unexpected: boolean;
}

/** Renders a zod issue path as `connections[2].actions[0]`. */
export const formatIssuePath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    '',
  );

export const zodIssues = (error: ZodError, prefix?: string): FieldIssue[] =>
  error.issues.flatMap((issue) => {
    // Unknown fields come as one issue listing the keys; name each key so clients can point at it.
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
    return keys.map((key) => {
      const path = [...(prefix ? [prefix] : []), ...issue.path, ...(key === undefined ? [] : [key])];
      return {
        path: formatIssuePath(path),
        message: key === undefined ? issue.message : 'Unknown field',
      };
    });
  });

const edge = (code: EdgeProblemCode, detail: string, errors?: FieldIssue[]): ProblemBody => ({
  status: EDGE_PROBLEM_CODES[code].status,
  title: EDGE_PROBLEM_CODES[code].title,
  code,
  detail,
  ...(errors ? { errors } : {}),
  unexpected: EDGE_PROBLEM_CODES[code].status >= 500,
});

/** Fastify's own errors (body parsing, content type) carry a `FST_…` code and a 4xx status. */
const FASTIFY_CODES: Record<string, EdgeProblemCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body-too-large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad-request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed-json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed-json',
  FST_ERR_BAD_URL: 'malformed-url',
  FST_ERR_MAX_PARAM_LENGTH: 'path-parameter-too-long',
};

const STATUS_CODES: Partial<Record<number, EdgeProblemCode>> = {
  400: 'bad-request',
  401: 'missing-token',
  403: 'forbidden',
  404: 'route-not-found',
  405: 'method-not-allowed',
  413: 'body-too-large',
  415: 'unsupported-media-type',
};

interface CodedError {
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
}

/**
 * Maps anything thrown while serving a request to a problem. Expected refusals keep their message;
 * anything else becomes a generic 500 whose detail never includes the error's message or stack.
 */
export function toProblem(error: unknown): ProblemBody {
  if (isDomainError(error)) {
    return {
      status: STATUS_BY_KIND[error.kind],
      title: TITLE_BY_KIND[error.kind],
      code: error.code,
      detail: error.message,
      ...(error.issues.length > 0 ? { errors: error.issues } : {}),
      ...(Object.keys(error.details).length > 0 ? { details: error.details } : {}),
      unexpected: false,
    };
  }
  if (error instanceof ZodError) {
    return edge('validation-failed', 'The request does not match the expected shape.', zodIssues(error));
  }
  // Nest wraps Fastify's own 4xx errors (body parsing, content type) in an HttpException.
  const coded = (error instanceof HttpException && error.cause ? error.cause : (error ?? {})) as CodedError;
  if (typeof coded.code === 'string' && coded.code.startsWith('FST_')) {
    const status = typeof coded.statusCode === 'number' ? coded.statusCode : 500;
    const code = FASTIFY_CODES[coded.code] ?? (status < 500 ? STATUS_CODES[status] : undefined);
    if (code) return edge(code, fastifyDetail(code, coded));
  }
  if (error instanceof HttpException) {
    const code = STATUS_CODES[error.getStatus()];
    if (code)
      return edge(
        code,
        code === 'route-not-found' ? 'No route matches this method and path.' : error.message,
      );
    if (error.getStatus() < 500) {
      return {
        status: error.getStatus(),
        title: error.name,
        code: 'bad-request',
        detail: error.message,
        unexpected: false,
      };
    }
    return edge(
      'internal-error',
      'Something went wrong on our side; the request id identifies it in our logs.',
    );
  }
  // JSON.parse failures from the body parser arrive as SyntaxError with a 400 status.
  if (error instanceof SyntaxError && coded.statusCode === 400) {
    return edge('malformed-json', 'The body is not valid JSON.');
  }
  return edge(
    'internal-error',
    'Something went wrong on our side; the request id identifies it in our logs.',
  );
}

function fastifyDetail(code: EdgeProblemCode, error: CodedError): string {
  switch (code) {
    case 'body-too-large':
      return 'The request body exceeds the size limit.';
    case 'unsupported-media-type':
      return 'This content type is not accepted; send application/json.';
    case 'malformed-json':
      return 'The body is not valid JSON.';
    case 'malformed-url':
      return 'The path is not a valid URL (a percent-escape does not decode).';
    case 'path-parameter-too-long':
      return 'A path parameter is longer than any valid value.';
    default:
      return typeof error.message === 'string' ? error.message : 'Bad request.';
  }
}
