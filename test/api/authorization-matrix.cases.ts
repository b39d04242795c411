import {
  agentAction,
  APPROVAL_POLICY,
  type Call,
  checkOf,
  type Place,
  prepareAction,
  prepareRequest,
  type Scene,
} from './authorization-matrix.scene';
import { PRINCIPALS } from './authorization-matrix.table';

/** The /v1/check request of `checkOf` as an AuthZEN evaluation. */
const evaluationOf = (place: Place) => {
  const check = checkOf(place);
  return {
    subject: { type: 'agent', id: `${check.workspaceId}/${check.channelId}` },
    action: { name: `${check.connector}:${check.action}` },
    resource: { type: check.connector, id: check.resource },
  };
};

/**
 * How to call each operation of the table with real ids: on the caller's own tenant, on the other
 * tenant, and (for channel-scoped operations) on a private channel. Keys match EXPECTATIONS.
 */
export interface Case {
  /** `global`: no workspace; `workspace`: the tenant's; `channel`: also its private channel. */
  scope: 'global' | 'workspace' | 'channel';
  build(scene: Scene, place: Place, key: string): Call | Promise<Call>;
}

const none: Case['build'] = () => ({});
const rule = (scene: Scene, place: Place) => ({
  rule: {
    id: scene.fresh('rule'),
    connector: 'github',
    actions: ['read'],
    resources: [`${place.tenant.workspaceId}/${scene.fresh('repo')}`],
  },
});
const base = (place: Place) => `/v1/workspaces/${place.tenant.workspaceId}`;
const channelBase = (place: Place) => `${base(place)}/channels/${place.channel}`;

const grantRole = (role: string): Case => ({
  scope: 'workspace',
  build: () => ({ params: { principalId: 'p-new', role } }),
});

/** Revoking a role from a principal the owner just granted it to. */
const revokeRole = (role: string): Case => ({
  scope: 'workspace',
  build: async (scene, place, key) => {
    const memo = `${key}|${place.tenant.workspaceId}`;
    const principalId = await scene.once(memo, async () => {
      const id = scene.fresh('p');
      await scene.as(place.tenant.owner, 'PUT', `${base(place)}/members/${id}/roles/${role}`);
      return id;
    });
    return { params: { principalId, role }, consumes: memo };
  },
});

/** The baseline's `code` connection with a credential the owner (re)stores before each call. */
const storedCredential: Case = {
  scope: 'workspace',
  build: async (scene, place) => {
    const url = `${base(place)}/connections/code/credential`;
    await scene.as(place.tenant.owner, 'PUT', url, { kind: 'mandate-jwt' });
    return { params: { connectionId: 'code' } };
  },
};

/** What the agent runtime asks a lease for in the place: read on a repository the baseline allows. */
const leaseAsk = (scene: Scene, place: Place) => {
  const { channelId, connector, action, resource, invokedBy } = agentAction(place);
  return {
    channelId,
    connector,
    actions: [action],
    resources: [resource],
    invokedBy,
    idempotencyKey: scene.fresh('lease'),
  };
};

/** The `code` connection signs mandate-jwt leases (stored again: another case destroys it). */
const leasable = (scene: Scene, place: Place) =>
  scene.as(place.tenant.owner, 'PUT', `${base(place)}/connections/code/credential`, { kind: 'mandate-jwt' });

/** A lease issued by the tenant's own lease service; its id. */
const preparedLease = async (scene: Scene, place: Place): Promise<string> => {
  await leasable(scene, place);
  const service = place.tenant.workspaceId === 'acme' ? PRINCIPALS['svc-lease'] : PRINCIPALS['svc-other'];
  const issued = await scene.asService(
    service,
    'POST',
    `${base(place)}/credential-leases`,
    leaseAsk(scene, place),
  );
  return issued.json<{ leaseId: string }>().leaseId;
};

/** A rule the owner just added, to remove. */
const removeRule = (kind: 'extensions' | 'restrictions' | 'forbidden'): Case => ({
  scope: 'channel',
  build: async (scene, place, key) => {
    const memo = `${key}|${place.channel}`;
    const ruleId = await scene.once(memo, async () => {
      const body = rule(scene, place);
      await scene.as(place.tenant.owner, 'POST', `${channelBase(place)}/${kind}`, body);
      return body.rule.id;
    });
    return { params: { ruleId }, consumes: memo };
  },
});

/** The workspace's kill switch, set by its owner whatever it was (a 409 when already so is fine). */
const switchWorkspace = (scene: Scene, place: Place, to: 'disable' | 'enable') =>
  scene.send(
    { sub: place.tenant.owner, kind: 'user', scopes: [] },
    'POST',
    `${base(place)}/agent-identity/${to}`,
    {
      body: { reason: 'matrix' },
    },
  );

/** A workspace switch, left enabled after every call: a disabled fixture would change every later answer. */
const workspaceSwitch = (route: 'disable' | 'enable'): Case => ({
  scope: 'workspace',
  build: async (scene, place) => {
    await switchWorkspace(scene, place, route === 'disable' ? 'enable' : 'disable');
    return { body: { reason: 'matrix' }, after: () => switchWorkspace(scene, place, 'enable') };
  },
});

/** A channel of its own each time (private where the place is), disabled first to be enabled. */
const channelSwitch = (to: 'disable' | 'enable'): Case => ({
  scope: 'channel',
  build: async (scene, place, key) => {
    const memo = `${key}|${place.channel}`;
    const channelId = await scene.once(memo, async () => {
      const id = scene.fresh('switched');
      const visibility = place.channel === place.tenant.privateChannel ? 'private' : 'public';
      await scene.as(place.tenant.owner, 'POST', `${base(place)}/channels`, {
        channelId: id,
        name: 'S',
        visibility,
      });
      if (to === 'enable') {
        await scene.as(place.tenant.owner, 'POST', `${base(place)}/channels/${id}/agent-identity/disable`, {
          reason: 'matrix',
        });
      }
      return id;
    });
    return { params: { channelId }, body: { reason: 'matrix' }, consumes: memo };
  },
});

/** A request prepared in the place's channel; `consumed` when a decision on it succeeds. */
const onRequest = (kind: 'pending' | 'active' | 'break-glass', body: unknown, consumed = true): Case => ({
  scope: 'channel',
  build: async (scene, place, key) => {
    const memo = `${key}|${place.channel}`;
    const requestId = await scene.once(memo, () => prepareRequest(scene, place, kind));
    return { params: { requestId }, body, ...(consumed ? { consumes: memo } : {}) };
  },
});

/** A bundle the tenant's owner created (once per tenant), for reading, attaching and detaching. */
const sharedBundle = async (scene: Scene, place: Place): Promise<string> =>
  scene.once(`bundle|${place.tenant.workspaceId}`, async () => {
    await scene.as(place.tenant.owner, 'PUT', `${base(place)}/bundles/shared`, BUNDLE, { 'if-match': '"0"' });
    return 'shared';
  });
const BUNDLE = { name: 'Shared tools', repositories: ['acme/tools'] };
const onBundle = (scope: 'workspace' | 'channel'): Case => ({
  scope,
  build: async (scene, place) => ({ params: { bundleId: await sharedBundle(scene, place) } }),
});

/** Organizations the platform admin founded (and so owns), once per run: one with bundles, one to join. */
const ORGANIZATION = 'matrix-org';
const JOINABLE = 'matrix-members';
const organizations = '/v1/organizations';
const founded = (scene: Scene, organizationId = ORGANIZATION) =>
  scene.once(`organization|${organizationId}`, () =>
    scene.as('root', 'POST', organizations, { organizationId, name: organizationId }),
  );
const onOrganization = (
  params: (scene: Scene) => Promise<Record<string, string>> | Record<string, string> = () => ({}),
): Case => ({
  scope: 'global',
  build: async (scene) => {
    await founded(scene);
    return { params: { organizationId: ORGANIZATION, ...(await params(scene)) } };
  },
});
/** An organization bundle, created once (or fresh once per memo, for a call that uses it up). */
const organizationBundle = (scene: Scene, memo = 'organization-bundle') =>
  scene.once(memo, async () => {
    await founded(scene);
    const bundleId = scene.fresh('org-bundle');
    await scene.as('root', 'PUT', `${organizations}/${ORGANIZATION}/bundles/${bundleId}`, BUNDLE, {
      'if-match': '"0"',
    });
    return bundleId;
  });
/** A connection of an organization bundle (once), its credential stored anew for each call. */
const organizationConnection = (stored: boolean): Case =>
  onOrganization(async (scene) => {
    await scene.once('organization-connection', async () => {
      await founded(scene);
      const connection = {
        id: 'org-code',
        connector: 'github',
        account: 'app',
        actions: ['read'],
        resources: ['acme/*'],
      };
      const body = { name: 'Organization tools', connections: [connection] };
      await scene.as('root', 'PUT', `${organizations}/${ORGANIZATION}/bundles/org-creds`, body, {
        'if-match': '"0"',
      });
    });
    const url = `${organizations}/${ORGANIZATION}/connections/org-code/credential`;
    if (stored) await scene.as('root', 'PUT', url, { kind: 'mandate-jwt' });
    return { connectionId: 'org-code' };
  });
/** The tenant invited to the joinable organization (and, for leaving, joined by its owner). */
const invitedTo = (scene: Scene, place: Place) =>
  scene.once(`invited|${place.tenant.workspaceId}`, async () => {
    await founded(scene, JOINABLE);
    await scene.as('root', 'PUT', `${organizations}/${JOINABLE}/invitations/${place.tenant.workspaceId}`);
  });

export const CASES: Record<string, Case> = {
  'GET /healthz': { scope: 'global', build: none },
  'GET /v1/console/config': { scope: 'global', build: none },
  'GET /readyz': { scope: 'global', build: none },
  'GET /v1/me': { scope: 'global', build: none },
  'POST /v1/dev/sessions': { scope: 'global', build: () => ({ body: { principalId: 'newcomer' } }) },
  'GET /v1/audit/verify': { scope: 'global', build: none },
  'GET /v1/workspaces': { scope: 'global', build: none },
  'GET /v1/workspaces/{workspaceId}/members': { scope: 'workspace', build: none },
  'GET /v1/workspaces/{workspaceId}/channels': { scope: 'workspace', build: none },
  'GET /v1/workspaces/{workspaceId}/grants': { scope: 'workspace', build: none },
  'POST /v1/workspaces': {
    scope: 'global',
    build: (scene) => ({ body: { workspaceId: scene.fresh('ws'), name: 'New' } }),
  },
  'GET /v1/workspaces/{workspaceId}': { scope: 'workspace', build: none },
  'PATCH /v1/workspaces/{workspaceId}': { scope: 'workspace', build: () => ({ body: { name: 'Renamed' } }) },
  'PUT /v1/workspaces/{workspaceId}/members/{principalId}/roles/{role}#member': grantRole('member'),
  'PUT /v1/workspaces/{workspaceId}/members/{principalId}/roles/{role}#admin': grantRole('admin'),
  'PUT /v1/workspaces/{workspaceId}/members/{principalId}/roles/{role}#auditor': grantRole('auditor'),
  'PUT /v1/workspaces/{workspaceId}/members/{principalId}/roles/{role}#owner': grantRole('owner'),
  'DELETE /v1/workspaces/{workspaceId}/members/{principalId}/roles/{role}#member': revokeRole('member'),
  'DELETE /v1/workspaces/{workspaceId}/members/{principalId}/roles/{role}#auditor': revokeRole('auditor'),
  'DELETE /v1/workspaces/{workspaceId}/members/{principalId}/roles/{role}#owner': revokeRole('owner'),
  'PUT /v1/workspaces/{workspaceId}/services/{serviceId}': {
    scope: 'workspace',
    build: () => ({ params: { serviceId: 'svc-new' } }),
  },
  'DELETE /v1/workspaces/{workspaceId}/services/{serviceId}': {
    scope: 'workspace',
    build: async (scene, place, key) => {
      const memo = `${key}|${place.tenant.workspaceId}`;
      const serviceId = await scene.once(memo, async () => {
        const id = scene.fresh('svc');
        await scene.as(place.tenant.owner, 'PUT', `${base(place)}/services/${id}`);
        return id;
      });
      return { params: { serviceId }, consumes: memo };
    },
  },
  'POST /v1/workspaces/{workspaceId}/groups': {
    scope: 'workspace',
    build: (scene) => ({ body: { groupId: scene.fresh('g'), name: 'Group' } }),
  },
  'PUT /v1/workspaces/{workspaceId}/groups/{groupId}/members/{principalId}': {
    scope: 'workspace',
    build: (_scene, place) => ({ params: { groupId: place.tenant.group, principalId: 'p-new' } }),
  },
  'DELETE /v1/workspaces/{workspaceId}/groups/{groupId}/members/{principalId}': {
    scope: 'workspace',
    build: (_scene, place) => ({ params: { groupId: place.tenant.group, principalId: 'p-new' } }),
  },
  'GET /v1/workspaces/{workspaceId}/connectors': { scope: 'workspace', build: none },
  'POST /v1/workspaces/{workspaceId}/connectors': {
    scope: 'workspace',
    build: (scene) => ({
      body: {
        connector: {
          id: scene.fresh('tracker'),
          displayName: 'Tracker',
          actions: ['read'],
          implies: {},
          resource: { description: 'A board', example: 'board', segment: '[a-z0-9-]+' },
        },
      },
    }),
  },
  'GET /v1/workspaces/{workspaceId}/agent-identity': { scope: 'workspace', build: none },
  'PUT /v1/workspaces/{workspaceId}/agent-identity': {
    scope: 'workspace',
    build: async (scene, place) => {
      const current = await scene.as(place.tenant.owner, 'GET', `${base(place)}/agent-identity`);
      return { body: current.json(), headers: { 'if-match': String(current.headers.etag) } };
    },
  },
  'POST /v1/workspaces/{workspaceId}/agent-identity/preview': {
    scope: 'workspace',
    build: async (scene, place) => {
      const current = await scene.as(place.tenant.owner, 'GET', `${base(place)}/agent-identity`);
      return { body: current.json() };
    },
  },
  'POST /v1/workspaces/{workspaceId}/agent-identity/disable': workspaceSwitch('disable'),
  'POST /v1/workspaces/{workspaceId}/agent-identity/enable': workspaceSwitch('enable'),
  'POST /v1/workspaces/{workspaceId}/channels/{channelId}/agent-identity/disable': channelSwitch('disable'),
  'POST /v1/workspaces/{workspaceId}/channels/{channelId}/agent-identity/enable': channelSwitch('enable'),
  'GET /v1/workspaces/{workspaceId}/bundles': { scope: 'workspace', build: none },
  'GET /v1/workspaces/{workspaceId}/bundles/{bundleId}': onBundle('workspace'),
  'PUT /v1/workspaces/{workspaceId}/bundles/{bundleId}': {
    scope: 'workspace',
    build: (scene) => ({
      params: { bundleId: scene.fresh('b') },
      body: BUNDLE,
      headers: { 'if-match': '"0"' },
    }),
  },
  'DELETE /v1/workspaces/{workspaceId}/bundles/{bundleId}': {
    scope: 'workspace',
    build: async (scene, place, key) => {
      const memo = `${key}|${place.tenant.workspaceId}`;
      const bundleId = await scene.once(memo, async () => {
        const id = scene.fresh('b');
        await scene.as(place.tenant.owner, 'PUT', `${base(place)}/bundles/${id}`, BUNDLE, {
          'if-match': '"0"',
        });
        return id;
      });
      return { params: { bundleId }, consumes: memo };
    },
  },
  'PUT /v1/workspaces/{workspaceId}/bundles/{bundleId}/workspace': onBundle('workspace'),
  'DELETE /v1/workspaces/{workspaceId}/bundles/{bundleId}/workspace': onBundle('workspace'),
  'PUT /v1/workspaces/{workspaceId}/bundles/{bundleId}/channels/{channelId}': onBundle('channel'),
  'DELETE /v1/workspaces/{workspaceId}/bundles/{bundleId}/channels/{channelId}': onBundle('channel'),
  'POST /v1/organizations': {
    scope: 'global',
    build: (scene) => ({ body: { organizationId: scene.fresh('org'), name: 'New' } }),
  },
  'GET /v1/organizations/{organizationId}': onOrganization(),
  'PUT /v1/organizations/{organizationId}/owners/{principalId}': onOrganization(() => ({
    principalId: 'p-new',
  })),
  'DELETE /v1/organizations/{organizationId}/owners/{principalId}': {
    scope: 'global',
    build: async (scene, _place, key) => {
      await founded(scene);
      const principalId = await scene.once(key, async () => {
        const id = scene.fresh('org-owner');
        await scene.as('root', 'PUT', `${organizations}/${ORGANIZATION}/owners/${id}`);
        return id;
      });
      return { params: { organizationId: ORGANIZATION, principalId }, consumes: key };
    },
  },
  'PUT /v1/organizations/{organizationId}/invitations/{workspaceId}': onOrganization(),
  'DELETE /v1/organizations/{organizationId}/invitations/{workspaceId}': onOrganization(),
  'DELETE /v1/organizations/{organizationId}/workspaces/{workspaceId}': onOrganization(),
  'GET /v1/organizations/{organizationId}/bundles': onOrganization(),
  'GET /v1/organizations/{organizationId}/bundles/{bundleId}': onOrganization(async (scene) => ({
    bundleId: await organizationBundle(scene),
  })),
  'PUT /v1/organizations/{organizationId}/bundles/{bundleId}': {
    scope: 'global',
    build: async (scene) => {
      await founded(scene);
      return {
        params: { organizationId: ORGANIZATION, bundleId: scene.fresh('org-bundle') },
        body: BUNDLE,
        headers: { 'if-match': '"0"' },
      };
    },
  },
  'DELETE /v1/organizations/{organizationId}/bundles/{bundleId}': {
    scope: 'global',
    build: async (scene, _place, key) => ({
      params: { organizationId: ORGANIZATION, bundleId: await organizationBundle(scene, key) },
      consumes: key,
    }),
  },
  'PUT /v1/organizations/{organizationId}/bundles/{bundleId}/organization': onOrganization(async (scene) => ({
    bundleId: await organizationBundle(scene),
  })),
  'DELETE /v1/organizations/{organizationId}/bundles/{bundleId}/organization': onOrganization(
    async (scene) => ({
      bundleId: await organizationBundle(scene),
    }),
  ),
  'PUT /v1/organizations/{organizationId}/connections/{connectionId}/credential': {
    ...organizationConnection(false),
    build: async (scene, place, key) => ({
      ...(await organizationConnection(false).build(scene, place, key)),
      body: { kind: 'mandate-jwt' },
    }),
  },
  'GET /v1/organizations/{organizationId}/connections/{connectionId}/credential':
    organizationConnection(true),
  'DELETE /v1/organizations/{organizationId}/connections/{connectionId}/credential':
    organizationConnection(true),
  'GET /v1/workspaces/{workspaceId}/organization': { scope: 'workspace', build: none },
  'PUT /v1/workspaces/{workspaceId}/organization/{organizationId}': {
    scope: 'workspace',
    build: async (scene, place) => {
      await invitedTo(scene, place);
      return { params: { organizationId: JOINABLE } };
    },
  },
  'DELETE /v1/workspaces/{workspaceId}/organization': {
    scope: 'workspace',
    build: async (scene, place) => {
      // Each call joins anew, on an invitation of its own: joining uses one up.
      await founded(scene, JOINABLE);
      await scene.as('root', 'PUT', `${organizations}/${JOINABLE}/invitations/${place.tenant.workspaceId}`);
      await scene.as(place.tenant.owner, 'PUT', `${base(place)}/organization/${JOINABLE}`);
      return {};
    },
  },
  'GET /v1/workspaces/{workspaceId}/approval-policy': { scope: 'workspace', build: none },
  'PUT /v1/workspaces/{workspaceId}/connections/{connectionId}/credential': {
    scope: 'workspace',
    build: () => ({ params: { connectionId: 'code' }, body: { kind: 'mandate-jwt' } }),
  },
  'GET /v1/workspaces/{workspaceId}/connections/{connectionId}/credential': storedCredential,
  'DELETE /v1/workspaces/{workspaceId}/connections/{connectionId}/credential': storedCredential,
  'PUT /v1/workspaces/{workspaceId}/approval-policy': {
    scope: 'workspace',
    build: () => ({ body: APPROVAL_POLICY }),
  },
  'POST /v1/workspaces/{workspaceId}/approval-policy/preview': {
    scope: 'workspace',
    build: () => ({ body: APPROVAL_POLICY }),
  },

  'POST /v1/workspaces/{workspaceId}/channels': {
    scope: 'workspace',
    build: (scene) => ({ body: { channelId: scene.fresh('ch'), name: 'New', visibility: 'public' } }),
  },
  'GET /v1/workspaces/{workspaceId}/channels/{channelId}': { scope: 'channel', build: none },
  'GET /v1/workspaces/{workspaceId}/channels/{channelId}/timeline': { scope: 'channel', build: none },
  'POST /v1/workspaces/{workspaceId}/channels/{channelId}/archive': {
    scope: 'channel',
    // A channel of its own each time (archiving the fixtures would change every later answer),
    // private where the place is.
    build: async (scene, place, key) => {
      const memo = `${key}|${place.channel}`;
      const channelId = await scene.once(memo, async () => {
        const id = scene.fresh('old');
        const visibility = place.channel === place.tenant.privateChannel ? 'private' : 'public';
        await scene.as(place.tenant.owner, 'POST', `${base(place)}/channels`, {
          channelId: id,
          name: 'Old',
          visibility,
        });
        return id;
      });
      return { params: { channelId }, consumes: memo };
    },
  },
  'PUT /v1/workspaces/{workspaceId}/channels/{channelId}/members/{principalId}': {
    scope: 'channel',
    build: () => ({ params: { principalId: 'p-new' }, body: { role: 'member' } }),
  },
  'DELETE /v1/workspaces/{workspaceId}/channels/{channelId}/members/{principalId}': {
    scope: 'channel',
    build: () => ({ params: { principalId: 'p-new' } }),
  },
  'POST /v1/workspaces/{workspaceId}/channels/{channelId}/extensions': {
    scope: 'channel',
    build: (scene, place) => ({ body: rule(scene, place) }),
  },
  'DELETE /v1/workspaces/{workspaceId}/channels/{channelId}/extensions/{ruleId}': removeRule('extensions'),
  'POST /v1/workspaces/{workspaceId}/channels/{channelId}/overrides/preview': {
    scope: 'channel',
    build: (scene, place) => ({ body: { change: { type: 'ExtendChannel', ...rule(scene, place) } } }),
  },
  'POST /v1/workspaces/{workspaceId}/channels/{channelId}/restrictions': {
    scope: 'channel',
    build: (scene, place) => ({ body: rule(scene, place) }),
  },
  'DELETE /v1/workspaces/{workspaceId}/channels/{channelId}/restrictions/{ruleId}':
    removeRule('restrictions'),
  'POST /v1/workspaces/{workspaceId}/channels/{channelId}/forbidden': {
    scope: 'channel',
    build: (scene, place) => ({ body: rule(scene, place) }),
  },
  'DELETE /v1/workspaces/{workspaceId}/channels/{channelId}/forbidden/{ruleId}': removeRule('forbidden'),
  'PUT /v1/workspaces/{workspaceId}/channels/{channelId}/instructions': {
    scope: 'channel',
    build: () => ({ body: { mode: 'append', text: 'Be brief.' } }),
  },
  'DELETE /v1/workspaces/{workspaceId}/channels/{channelId}/instructions': { scope: 'channel', build: none },
  'PUT /v1/workspaces/{workspaceId}/channels/{channelId}/skills/{skill}': {
    scope: 'channel',
    build: () => ({ params: { skill: 'code-review' }, body: { state: 'off' } }),
  },
  'PUT /v1/workspaces/{workspaceId}/channels/{channelId}/memory-scope': {
    scope: 'channel',
    build: () => ({ body: { sharedNamespaces: [] } }),
  },
  'PUT /v1/workspaces/{workspaceId}/channels/{channelId}/invoke-policy': {
    scope: 'channel',
    build: () => ({ body: { roles: ['member'], groups: [], principals: [], channelMembers: false } }),
  },
  'DELETE /v1/workspaces/{workspaceId}/channels/{channelId}/invoke-policy': { scope: 'channel', build: none },
  'PUT /v1/workspaces/{workspaceId}/channels/{channelId}/overlays': {
    scope: 'channel',
    build: (scene, place) => ({
      body: { overlays: [{ ...rule(scene, place).rule, invoker: { role: 'approver' } }] },
    }),
  },
  'PUT /v1/workspaces/{workspaceId}/channels/{channelId}/egress': {
    scope: 'channel',
    build: () => ({ body: { allow: [], deny: [{ host: 'blocked.example', ports: [443] }] } }),
  },
  'GET /v1/workspaces/{workspaceId}/external-accounts': { scope: 'workspace', build: none },
  'PUT /v1/workspaces/{workspaceId}/members/{principalId}/external-accounts/{connector}': {
    scope: 'workspace',
    build: () => ({ params: { principalId: 'p-new', connector: 'github' }, body: { login: 'p-new-gh' } }),
  },
  'DELETE /v1/workspaces/{workspaceId}/members/{principalId}/external-accounts/{connector}': {
    scope: 'workspace',
    build: () => ({ params: { principalId: 'p-new', connector: 'github' } }),
  },

  'GET /v1/workspaces/{workspaceId}/channels/{channelId}/effective-identity': {
    scope: 'channel',
    build: none,
  },
  'POST /v1/workspaces/{workspaceId}/channels/{channelId}/invoke-check': {
    scope: 'channel',
    build: (_scene, place) => ({ body: { principal: place.requester } }),
  },
  'POST /v1/workspaces/{workspaceId}/channels/{channelId}/memory-check': {
    scope: 'channel',
    build: (_scene, place) => ({ body: { namespace: `channel:${place.channel}` } }),
  },
  'POST /v1/workspaces/{workspaceId}/channels/{channelId}/egress-check': {
    scope: 'channel',
    build: () => ({ body: { host: 'example.com', port: 443 } }),
  },
  'POST /v1/check': { scope: 'channel', build: (_scene, place) => ({ body: checkOf(place) }) },
  'POST /v1/check/batch': {
    scope: 'channel',
    build: (_scene, place) => ({ body: { checks: [checkOf(place)] } }),
  },
  'POST /access/v1/evaluation': {
    scope: 'channel',
    build: (_scene, place) => ({ body: evaluationOf(place) }),
  },
  'POST /access/v1/evaluations': {
    scope: 'channel',
    build: (_scene, place) => ({ body: { evaluations: [evaluationOf(place)] } }),
  },

  'POST /v1/workspaces/{workspaceId}/agent-actions': {
    scope: 'channel',
    build: (scene, place) => ({ body: { ...agentAction(place), idempotencyKey: scene.fresh('act') } }),
  },
  'POST /v1/workspaces/{workspaceId}/channels/{channelId}/memory-events': {
    scope: 'channel',
    build: (scene, place) => ({
      body: {
        idempotencyKey: scene.fresh('mem'),
        namespace: `channel:${place.channel}`,
        keyDigest: 'c'.repeat(64),
        sizeBytes: 10,
        operation: 'write',
        invokedBy: place.requester,
      },
    }),
  },
  'POST /v1/workspaces/{workspaceId}/agent-actions/{idempotencyKey}/outcome': {
    scope: 'channel',
    build: async (scene, place, key) => {
      const memo = `${key}|${place.channel}`;
      const idempotencyKey = await scene.once(memo, () => prepareAction(scene, place));
      return { params: { idempotencyKey }, body: { outcome: 'completed', detail: null }, consumes: memo };
    },
  },
  'GET /v1/workspaces/{workspaceId}/agent-actions/{idempotencyKey}': {
    scope: 'channel',
    build: async (scene, place, key) => ({
      params: {
        idempotencyKey: await scene.once(`${key}|${place.channel}`, () => prepareAction(scene, place)),
      },
    }),
  },

  'POST /v1/workspaces/{workspaceId}/channels/{channelId}/gateway-sessions': {
    scope: 'channel',
    build: (scene, place) => ({
      body: { invokedBy: place.requester, runId: scene.fresh('run'), ttlSeconds: 60 },
    }),
  },

  'POST /v1/workspaces/{workspaceId}/credential-leases': {
    scope: 'channel',
    build: async (scene, place) => {
      await leasable(scene, place);
      return { body: leaseAsk(scene, place) };
    },
  },
  'GET /v1/workspaces/{workspaceId}/credential-leases': { scope: 'workspace', build: none },
  'GET /v1/workspaces/{workspaceId}/credential-leases/{leaseId}': {
    scope: 'workspace',
    build: async (scene, place, key) => ({
      params: {
        leaseId: await scene.once(`${key}|${place.tenant.workspaceId}`, () => preparedLease(scene, place)),
      },
    }),
  },
  'POST /v1/workspaces/{workspaceId}/credential-leases/{leaseId}/revoke': {
    scope: 'workspace',
    build: async (scene, place) => ({ params: { leaseId: await preparedLease(scene, place) }, body: {} }),
  },
  'GET /.well-known/jwks.json': { scope: 'global', build: none },
  'GET /.well-known/authzen-configuration': { scope: 'global', build: none },
  'POST /v1/oauth/introspect': { scope: 'global', build: () => ({ body: { token: 'not-a-lease-token' } }) },

  'GET /v1/workspaces/{workspaceId}/audit/events': { scope: 'workspace', build: none },
  'GET /v1/workspaces/{workspaceId}/audit/access': {
    scope: 'workspace',
    build: (_scene, place) => ({
      query: { connector: 'github', action: 'read', resource: `${place.tenant.workspaceId}/api` },
    }),
  },
  'GET /v1/workspaces/{workspaceId}/audit/changes': {
    scope: 'workspace',
    build: () => ({
      query: { from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date().toISOString() },
    }),
  },
  'GET /v1/workspaces/{workspaceId}/audit/export': { scope: 'workspace', build: none },

  'POST /v1/workspaces/{workspaceId}/access-requests': {
    scope: 'channel',
    build: (scene, place) => ({
      body: {
        channelId: place.channel,
        connector: 'github',
        actions: ['write'],
        resources: [`${place.tenant.workspaceId}/${scene.fresh('repo')}`],
        durationSeconds: 600,
        reason: 'authorization matrix',
      },
    }),
  },
  'GET /v1/workspaces/{workspaceId}/access-requests': { scope: 'workspace', build: none },
  // A stream that ends at once (`ready`, then `end`): what is admitted is the same.
  'GET /v1/workspaces/{workspaceId}/access-request-updates': {
    scope: 'workspace',
    build: () => ({ query: { timeoutSeconds: '0' } }),
  },
  'GET /v1/workspaces/{workspaceId}/watch': {
    scope: 'workspace',
    build: () => ({ query: { timeoutSeconds: '0' } }),
  },
  'GET /v1/workspaces/{workspaceId}/access-requests/{requestId}': onRequest('pending', undefined, false),
  'POST /v1/workspaces/{workspaceId}/access-requests/{requestId}/approve': onRequest('pending', {
    comment: null,
  }),
  'POST /v1/workspaces/{workspaceId}/access-requests/{requestId}/deny': onRequest('pending', {
    comment: null,
  }),
  'POST /v1/workspaces/{workspaceId}/access-requests/{requestId}/cancel': onRequest('pending', {
    comment: null,
  }),
  'POST /v1/workspaces/{workspaceId}/access-requests/{requestId}/revoke': onRequest('active', {
    reason: 'authorization matrix',
  }),
  'POST /v1/workspaces/{workspaceId}/access-requests/{requestId}/extend': onRequest('active', {
    durationSeconds: 600,
    reason: 'more time',
  }),
  'POST /v1/workspaces/{workspaceId}/access-requests/{requestId}/review': onRequest('break-glass', {
    verdict: 'justified',
    comment: null,
  }),
};
