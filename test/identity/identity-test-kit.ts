import type { LightMyRequestResponse } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import type { AppConfig } from '@mandate/config';
import { type EventStore, openAppEventStore } from '@mandate/event-store';
import { EVENT_STORE } from '../../apps/api/src/event-store/event-store.module';
import { startTestApi, type TestApi } from '../api/api-test-kit';

export interface Problem {
  code: string;
  status: number;
  errors?: { path: string; message: string }[];
  details?: Record<string, unknown>;
}

export interface IdentityApi extends TestApi {
  store: EventStore;
  /** One request as `as` (a user, or a service when `scopes` are given); without `as`, no token. */
  call(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    options?: { as?: string; scopes?: string[]; body?: unknown; headers?: Record<string, string> },
  ): Promise<LightMyRequestResponse>;
}

/** Asserts the response is problem+json with `status` and returns it. */
export function problem(response: LightMyRequestResponse, status: number): Problem {
  expect({ status: response.statusCode, type: response.headers['content-type'] }).toEqual({
    status,
    type: expect.stringMatching(/^application\/problem\+json/),
  });
  return response.json<Problem>();
}

/**
 * The real app as configured by default (roles from the membership projection) on a fresh SQLite
 * file, `root` being the platform admin.
 */
export async function startIdentityApi(
  env: Record<string, string> = {},
  overrides: Parameters<typeof startTestApi>[1] = {},
): Promise<IdentityApi> {
  const api = await startTestApi({ PLATFORM_ADMINS: 'root', ...env }, overrides);
  const store = api.app.get<EventStore>(EVENT_STORE);
  return {
    ...api,
    store,
    call: async (method, url, { as, scopes, body, headers = {} } = {}) => {
      const token =
        as === undefined
          ? undefined
          : await api.token(as, scopes ? { kind: 'service', scopes } : { kind: 'user' });
      return api.app.inject({
        method,
        url,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        ...(body === undefined ? {} : { payload: body as object }),
      });
    },
  };
}

/**
 * Appends one event to the log of an API that is not running, as another node, the CLI or a
 * restore would: what an API that starts on that log next must act on.
 */
export async function appendWhileNoApiRuns(
  config: AppConfig,
  streamId: string,
  event: { type: string; data: unknown; workspaceId: string; actor: { kind: 'user'; id: string } },
): Promise<void> {
  const store = await openAppEventStore(config);
  try {
    await store.append(
      streamId,
      [
        {
          id: uuidv7(),
          ...event,
          occurredAt: new Date().toISOString(),
          metadata: { correlationId: `offline-${event.type}`, causationId: null },
        },
      ],
      { expectedRevision: 'any' },
    );
  } finally {
    await store.close();
  }
}
