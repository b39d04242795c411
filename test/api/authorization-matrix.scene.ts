import type { LightMyRequestResponse } from 'fastify';
import type { TestApi } from './api-test-kit';
import { type PrincipalSpec, type Target } from './authorization-matrix.table';

/** One tenant's real ids, created through the API by `setUpTenants`. */
export interface Tenant {
  workspaceId: string;
  owner: string;
  publicChannel: string;
  privateChannel: string;
  group: string;
  /** Members who ask for access in the public and the private channel. */
  requester: string;
  privateRequester: string;
  /** Who approves the requests prepared for the public channel. */
  approver: string;
  /** The service that records the tenant's agent actions. */
  recorder: PrincipalSpec;
  /** Services bound to the tenant (its registry), as their tokens' subjects. */
  services: string[];
}

/** Where a call points: a tenant and one of its channels, with who acts there. */
export interface Place {
  tenant: Tenant;
  channel: string;
  requester: string;
  approver: string;
}

export interface Call {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
  /** A prepared resource the call uses up when it succeeds; the next call gets a fresh one. */
  consumes?: string;
  /** Undoes what the call may have changed for every later call (a workspace switched off). */
  after?: () => Promise<unknown>;
}

const policy = {
  default: {
    approvers: { roles: ['approver'], principals: [] },
    quorum: 1,
    maxDurationSeconds: 3600,
    approvalTimeoutSeconds: 3600,
    reasonRequired: false,
    ticketPattern: null,
    autoApprove: [],
    breakGlass: { roles: ['member'], principals: [], maxDurationSeconds: 3600 },
  },
  overrides: [],
};
export const APPROVAL_POLICY = policy;

export class Scene {
  private readonly tokens = new Map<string, Promise<string>>();
  private readonly prepared = new Map<string, Promise<unknown>>();
  private counter = 0;

  constructor(
    readonly api: TestApi,
    readonly home: Tenant,
    readonly other: Tenant,
  ) {}

  /** A new id, never used before in this run. */
  fresh(prefix: string): string {
    return `${prefix}-${++this.counter}`;
  }

  place(target: Target): Place {
    if (target === 'other-tenant') return this.placeIn(this.other, 'public');
    return this.placeIn(this.home, target === 'private-channel' ? 'private' : 'public');
  }

  private placeIn(tenant: Tenant, visibility: 'public' | 'private'): Place {
    const isPublic = visibility === 'public';
    return {
      tenant,
      channel: isPublic ? tenant.publicChannel : tenant.privateChannel,
      requester: isPublic ? tenant.requester : tenant.privateRequester,
      // Approvers outside a private channel do not see it: its owner approves there.
      approver: isPublic ? tenant.approver : tenant.owner,
    };
  }

  /** The resource prepared under `key`, created on first use and again after it was consumed. */
  once<T>(key: string, create: () => Promise<T>): Promise<T> {
    let value = this.prepared.get(key) as Promise<T> | undefined;
    if (!value) {
      value = create();
      this.prepared.set(key, value);
    }
    return value;
  }

  consumed(key: string): void {
    this.prepared.delete(key);
  }

  async send(
    principal: PrincipalSpec,
    method: string,
    url: string,
    call: Pick<Call, 'body' | 'headers'> = {},
  ): Promise<LightMyRequestResponse> {
    const key = `${principal.kind}:${principal.sub}:${principal.scopes.join(' ')}`;
    let token = this.tokens.get(key);
    if (!token) {
      token = this.api.token(principal.sub, { kind: principal.kind, scopes: principal.scopes });
      this.tokens.set(key, token);
    }
    return this.api.app.inject({
      method: method as 'GET',
      url,
      headers: { authorization: `Bearer ${await token}`, ...call.headers },
      ...(call.body === undefined ? {} : { payload: call.body as object }),
    });
  }

  /** A setup step as a user; it must succeed. */
  async as(sub: string, method: string, url: string, body?: unknown, headers?: Record<string, string>) {
    const response = await this.send({ sub, kind: 'user', scopes: [] }, method, url, { body, headers });
    expectSuccess(response, `${sub}: ${method} ${url}`);
    return response;
  }

  async asService(service: PrincipalSpec, method: string, url: string, body: unknown) {
    const response = await this.send(service, method, url, { body });
    expectSuccess(response, `${service.sub}: ${method} ${url}`);
    return response;
  }
}

export function expectSuccess(response: LightMyRequestResponse, step: string): void {
  if (response.statusCode >= 300) {
    throw new Error(`setup step failed: ${step} → ${response.statusCode} ${response.body}`);
  }
}

const ws = (tenant: Tenant) => `/v1/workspaces/${tenant.workspaceId}`;

/**
 * Two tenants, each with an owner, members of every role, its services, a public and a private
 * channel, a group, a baseline that lets the agent read the tenant's repositories, and an approval policy
 * with break-glass for members. The platform admin who created them keeps no role in either.
 */
export async function setUpTenants(
  scene: Scene,
  roles: Record<string, Record<string, string[]>>,
): Promise<void> {
  for (const tenant of [scene.home, scene.other]) {
    await scene.as('root', 'POST', '/v1/workspaces', { workspaceId: tenant.workspaceId, name: 'Tenant' });
    for (const [principal, held] of Object.entries(roles[tenant.workspaceId])) {
      for (const role of held)
        await scene.as('root', 'PUT', `${ws(tenant)}/members/${principal}/roles/${role}`);
    }
    for (const service of tenant.services) await scene.as('root', 'PUT', `${ws(tenant)}/services/${service}`);
    await scene.as(tenant.owner, 'DELETE', `${ws(tenant)}/members/root/roles/owner`);
    const current = await scene.as(tenant.owner, 'GET', `${ws(tenant)}/agent-identity`);
    await scene.as(
      tenant.owner,
      'PUT',
      `${ws(tenant)}/agent-identity`,
      {
        connections: [
          {
            id: 'code',
            connector: 'github',
            account: 'app:agent',
            actions: ['read'],
            resources: [`${tenant.workspaceId}/*`],
          },
        ],
        invokePolicy: { roles: ['member'] },
      },
      { 'if-match': String(current.headers.etag) },
    );
    await scene.as(tenant.owner, 'PUT', `${ws(tenant)}/approval-policy`, policy);
    await scene.as(tenant.owner, 'POST', `${ws(tenant)}/groups`, { groupId: tenant.group, name: 'On call' });
    for (const [channelId, visibility, member] of [
      [tenant.publicChannel, 'public', tenant.requester],
      [tenant.privateChannel, 'private', tenant.privateRequester],
    ]) {
      await scene.as(tenant.owner, 'POST', `${ws(tenant)}/channels`, {
        channelId,
        name: channelId,
        visibility,
      });
      await scene.as(tenant.owner, 'PUT', `${ws(tenant)}/channels/${channelId}/members/${member}`, {
        role: 'member',
      });
    }
  }
}

/** A pending request (or, approved, an active grant; or a break-glass grant) in the place's channel. */
export async function prepareRequest(
  scene: Scene,
  place: Place,
  kind: 'pending' | 'active' | 'break-glass',
): Promise<string> {
  const base = ws(place.tenant);
  const created = await scene.as(place.requester, 'POST', `${base}/access-requests`, {
    channelId: place.channel,
    connector: 'github',
    actions: ['write'],
    // A resource of its own, so the request never overlaps (and extends) another grant.
    resources: [`${place.tenant.workspaceId}/${scene.fresh('repo')}`],
    durationSeconds: 600,
    reason: 'authorization matrix',
    breakGlass: kind === 'break-glass',
  });
  const { requestId } = created.json<{ requestId: string }>();
  if (kind === 'active') {
    await scene.as(place.approver, 'POST', `${base}/access-requests/${requestId}/approve`, { comment: null });
  }
  return requestId;
}

/** An allowed agent action recorded by the tenant's own service; its idempotency key. */
export async function prepareAction(scene: Scene, place: Place): Promise<string> {
  const idempotencyKey = scene.fresh('act');
  await scene.asService(place.tenant.recorder, 'POST', `${ws(place.tenant)}/agent-actions`, {
    ...agentAction(place),
    idempotencyKey,
  });
  return idempotencyKey;
}

export const agentAction = (place: Place) => ({
  channelId: place.channel,
  connector: 'github',
  action: 'read',
  resource: `${place.tenant.workspaceId}/api`,
  invokedBy: place.requester,
});

export const checkOf = (place: Place) => ({
  workspaceId: place.tenant.workspaceId,
  channelId: place.channel,
  connector: 'github',
  action: 'read',
  resource: `${place.tenant.workspaceId}/api`,
});
