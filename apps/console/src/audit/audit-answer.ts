import { problemText } from '../api/api-client';

/**
 * The answer of an audit route, typed as docs/audit.md specifies it (see api/audit-answers.ts):
 * openapi-fetch parses the JSON, the OpenAPI document does not describe it yet.
 */
export async function auditAnswer<T>(
  call: Promise<{ data?: unknown; error?: unknown; response: Response }>,
): Promise<{ answer?: T; problem?: string }> {
  try {
    const { data, error, response } = await call;
    return response.ok ? { answer: data as T } : { problem: problemText(error) };
  } catch (error) {
    return { problem: problemText(error) };
  }
}
