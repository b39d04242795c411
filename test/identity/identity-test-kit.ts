import type { LightMyRequestResponse } from 'fastify';
import type { WorkspaceRoleResolver } from '@mandate/auth';
import { rolesOf, workspaceDecider, type WorkspaceRole, workspaceStreamId } from '@mandate/domain';
import type { EventStore } from '@mandate/event-store';
import { EVENT_STORE } from '../../apps/api/src/event-store/event-store.module';
import { AgentActionsModule } from '../../apps/api/src/agent-actions/agent-actions.module';
import { IdentityModule } from '../../apps/api/src/identity/identity.module';
import { startTestApi, type TestApi } from '../api/api-test-kit';

/**
 * Roles read straight from the workspace stream (the app's own store), so a role granted by one
 * request holds for the next.
 */
class WorkspaceStreamRoles implements WorkspaceRoleResolver {
  store: EventStore | undefined;

  async rolesOf(workspaceId: string, principalId: string): Promise<WorkspaceRole[]> {
    if (this.store === undefined) return [];
    const history = await this.store.readStream(workspaceStreamId(workspaceId));
    const state = history.reduce(
      (current, event) => workspaceDecider.evolve(current, event as never),
      workspaceDecider.initialState(),
    );
    return rolesOf(state, principalId);
  }
}

export interface Problem {
  code: string;
  status: number;
  errors?: { path: string; message: string }[];
  details?: Record<string, unknown>;
}

export interface IdentityApi extends TestApi {
  store: EventStore;
  /** One request as `sub` (a user unless `scopes` make it a service); no `sub`: no token. */
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

/** The real app on a fresh SQLite file, with the identity and agent-action endpoints. */
export async function startIdentityApi(env: Record<string, string> = {}): Promise<IdentityApi> {
  const roles = new WorkspaceStreamRoles();
  const api = await startTestApi(
    { PLATFORM_ADMINS: 'root', ...env },
    { roleResolver: roles, imports: [IdentityModule, AgentActionsModule] },
  );
  const store = api.app.get<EventStore>(EVENT_STORE);
  roles.store = store;
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
