import type { AgentIdentityDocumentInput, ApprovalPolicyInput } from '@mandate/domain';

/** The demo's people and the agent runtime; each gets a token, exported as an environment variable. */
export const personas = [
  { id: 'alice', variable: 'ALICE', kind: 'user', role: 'owner', about: 'owner; platform admin' },
  { id: 'bob', variable: 'BOB', kind: 'user', role: 'approver', about: 'approver, on call' },
  { id: 'carol', variable: 'CAROL', kind: 'user', role: 'approver', about: 'approver' },
  { id: 'dave', variable: 'DAVE', kind: 'user', role: 'member', about: 'engineer; in #eng and #incident' },
  { id: 'erin', variable: 'ERIN', kind: 'user', role: 'auditor', about: 'auditor' },
  { id: 'frank', variable: 'FRANK', kind: 'user', role: 'member', about: 'engineer; not in #incident' },
  {
    id: 'agent-runtime',
    variable: 'AGENT',
    kind: 'service',
    scopes: ['access:request', 'agent-actions:record', 'permissions:check'],
    about: 'the agent runtime (service): asks for access, records actions, checks',
  },
] as const;

export type PersonaId = (typeof personas)[number]['id'];

export const WORKSPACE = { workspaceId: 'acme', name: 'Acme Corp' };

/** GitHub read on acme/*, Drive view on the shared engineering folder, egress, a guardrail on secrets. */
export const baseline: AgentIdentityDocumentInput = {
  connections: [
    {
      id: 'github-read',
      connector: 'github',
      account: 'app:acme-agent',
      actions: ['read'],
      resources: ['acme/*'],
    },
    {
      id: 'drive-engineering',
      connector: 'google-drive',
      account: 'agent@acme.example',
      actions: ['view'],
      resources: ['shared/engineering/**'],
    },
  ],
  repositories: ['acme/api', 'acme/web', 'acme/infra'],
  skills: ['code-review', 'summarize'],
  instructions: 'You are Acme’s engineering assistant. Be concise and link to your sources.',
  egress: [
    { host: 'api.github.com', ports: [443] },
    { host: '*.googleapis.com', ports: [443] },
  ],
  invokePolicy: { roles: ['member'] },
  forbidden: [{ id: 'no-secrets', connector: 'github', actions: ['read'], resources: ['acme/secrets'] }],
  memoryNamespaces: ['handbook'],
};

/** One approver, 8 h at most, a reason; two approvers for GitHub admin; admins may break glass. */
export const approvalPolicy: ApprovalPolicyInput = {
  default: {
    approvers: { roles: ['approver'], principals: [] },
    quorum: 1,
    maxDurationSeconds: 8 * 3600,
    approvalTimeoutSeconds: 24 * 3600,
    reasonRequired: true,
    ticketPattern: null,
    autoApprove: [],
    breakGlass: { roles: ['admin'], principals: [], maxDurationSeconds: 1800 },
  },
  overrides: [{ connector: 'github', action: 'admin', rule: { quorum: 2 } }],
};

const rule = (id: string, connector: string, actions: string[], resources: string[]) => ({
  id,
  connector,
  actions,
  resources,
});

export interface DemoChannel {
  channelId: string;
  name: string;
  visibility: 'public' | 'private';
  createdBy: PersonaId;
  members: { principalId: PersonaId; role: 'admin' | 'member' }[];
  extensions: ReturnType<typeof rule>[];
  restrictions: ReturnType<typeof rule>[];
  forbidden: ReturnType<typeof rule>[];
  instructions?: { mode: 'append' | 'replace'; text: string };
}

export const channels: DemoChannel[] = [
  {
    channelId: 'eng',
    name: 'Engineering',
    visibility: 'public',
    createdBy: 'alice',
    members: [
      { principalId: 'bob', role: 'admin' },
      { principalId: 'dave', role: 'member' },
      { principalId: 'frank', role: 'member' },
    ],
    extensions: [rule('jira-eng', 'jira', ['write'], ['ENG/*'])],
    restrictions: [],
    forbidden: [],
    instructions: { mode: 'append', text: 'Link the Jira ticket in every pull request you open.' },
  },
  {
    channelId: 'incident',
    name: 'Incident response',
    visibility: 'private',
    createdBy: 'bob',
    members: [{ principalId: 'dave', role: 'member' }],
    extensions: [rule('slack-incidents', 'slack', ['post'], ['acme/incidents'])],
    restrictions: [rule('no-people-docs', 'google-drive', ['view'], ['shared/engineering/people/**'])],
    forbidden: [rule('no-github-admin', 'github', ['admin'], ['acme/*'])],
  },
  {
    channelId: 'random',
    name: 'Random',
    visibility: 'public',
    createdBy: 'frank',
    members: [],
    extensions: [],
    restrictions: [rule('no-code', 'github', ['read'], ['acme/*'])],
    forbidden: [],
  },
];

/** Client-chosen ids: posting a request again starts nothing, so a second run adds nothing. */
export const requests = {
  pending: {
    requestId: 'demo-infra-write',
    by: 'dave',
    body: {
      channelId: 'eng',
      connector: 'github',
      actions: ['write'],
      resources: ['acme/infra'],
      durationSeconds: 4 * 3600,
      reason: 'Apply the Terraform plan for the new queue (ENG-311)',
    },
  },
  granted: {
    requestId: 'demo-web-write',
    by: 'dave',
    approver: 'bob',
    body: {
      channelId: 'eng',
      connector: 'github',
      actions: ['write'],
      resources: ['acme/web'],
      durationSeconds: 8 * 3600,
      reason: 'Fix the broken release build (ENG-142)',
    },
  },
  denied: {
    requestId: 'demo-docs-admin',
    by: 'frank',
    denier: 'carol',
    body: {
      channelId: 'eng',
      connector: 'github',
      actions: ['admin'],
      resources: ['acme/docs'],
      durationSeconds: 3600,
      reason: 'Rename the docs repository',
    },
  },
} as const;

/** What the agent did: a read the baseline allows, a write the grant allows, a read the guardrail denies. */
export const agentActions = [
  {
    idempotencyKey: 'demo-read-api',
    channelId: 'eng',
    connector: 'github',
    action: 'read',
    resource: 'acme/api',
    invokedBy: 'dave',
  },
  {
    idempotencyKey: 'demo-write-web',
    channelId: 'eng',
    connector: 'github',
    action: 'write',
    resource: 'acme/web',
    invokedBy: 'dave',
  },
  {
    idempotencyKey: 'demo-read-secrets',
    channelId: 'eng',
    connector: 'github',
    action: 'read',
    resource: 'acme/secrets',
    invokedBy: 'frank',
  },
];
