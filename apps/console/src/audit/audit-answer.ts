import { problemText } from '../api/api-client';

/** The answer of an audit route (typed by /openapi.json), or the refusal as the API words it. */
export async function auditAnswer<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<{ answer?: T; problem?: string }> {
  try {
    const { data, error, response } = await call;
    return response.ok ? { answer: data } : { problem: problemText(error) };
  } catch (error) {
    return { problem: problemText(error) };
  }
}
