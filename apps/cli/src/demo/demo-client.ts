import { setTimeout as sleep } from 'node:timers/promises';

/** What a refusal looked like, for the message of a failed step. */
export interface Answer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

interface Problem {
  code?: string;
  detail?: string;
  errors?: { path: string; message: string }[];
}

/**
 * The public HTTP API as one persona or another calls it: the demo goes through the same path as
 * any client (authentication, validation, deciders, workflows). A status outside `expect` fails
 * the step with the problem the API answered.
 */
export class DemoClient {
  constructor(
    readonly baseUrl: string,
    private readonly tokens: ReadonlyMap<string, string>,
  ) {}

  async call<T = unknown>(
    as: string,
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    options: {
      body?: unknown;
      headers?: Record<string, string>;
      expect?: { status: number; code?: string }[];
    } = {},
  ): Promise<Answer<T>> {
    const token = this.tokens.get(as);
    if (token === undefined) throw new Error(`no token for ${as}`);
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    const body = (text ? JSON.parse(text) : undefined) as T;
    const accepted = options.expect ?? [{ status: 200 }, { status: 201 }];
    const problem = body as Problem | undefined;
    if (
      !accepted.some(
        ({ status, code }) => status === response.status && (code === undefined || problem?.code === code),
      )
    ) {
      const issues = problem?.errors?.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
      throw new Error(
        `${method} ${path} as ${as}: ${response.status} ${problem?.code ?? ''} ${problem?.detail ?? text}${issues ? ` (${issues})` : ''}`,
      );
    }
    return { status: response.status, body, headers: response.headers };
  }

  /** Waits until the API answers `/readyz` with 200, so a demo run right after `npm start` works. */
  async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      try {
        const response = await fetch(`${this.baseUrl}/readyz`);
        if (response.ok) return;
        last = `readyz answered ${response.status}: ${await response.text()}`;
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
      }
      await sleep(250);
    }
    throw new Error(
      `The API at ${this.baseUrl} is not ready (${last}). Is it running? Start it with: npm start`,
    );
  }
}
