import type { ConnectorDefinition } from './connector-definition';

const name = '[A-Za-z0-9_.-]+';

/** Shipped with Mandate; a workspace may register more (ConnectorRegistered). */
export const builtinConnectors: readonly ConnectorDefinition[] = [
  {
    id: 'github',
    displayName: 'GitHub',
    actions: ['read', 'write', 'admin'],
    implies: { admin: ['write'], write: ['read'] },
    resource: {
      description: 'owner/repository',
      example: 'acme/api',
      segment: `^${name}$`,
      // Owner and repository names are unique regardless of case on GitHub, and `repo.git` is the
      // clone URL of `repo`: one resource each.
      caseInsensitive: true,
      aliases: [{ segment: 1, suffix: '.git' }],
    },
    // An installation token for the repositories of the lease, with no more than these permissions
    // (https://docs.github.com/en/rest/apps/apps#create-an-installation-access-token-for-an-app).
    leaseScopes: {
      read: ['contents:read', 'metadata:read', 'issues:read', 'pull_requests:read'],
      write: ['contents:write', 'metadata:read', 'issues:write', 'pull_requests:write'],
      admin: [
        'administration:write',
        'contents:write',
        'metadata:read',
        'issues:write',
        'pull_requests:write',
      ],
    },
  },
  {
    id: 'google-drive',
    displayName: 'Google Drive',
    actions: ['view', 'comment', 'edit', 'manage'],
    implies: { manage: ['edit'], edit: ['comment'], comment: ['view'] },
    resource: {
      description: 'drive/folder/…/file (names or ids)',
      example: 'shared/engineering/roadmap',
      // Names may hold inner spaces; the normaliser refuses them at either end and any other blank.
      segment: '^[^/*]+$',
      caseInsensitive: false,
    },
  },
  {
    id: 'slack',
    displayName: 'Slack',
    actions: ['read', 'post', 'admin'],
    implies: { admin: ['post', 'read'] },
    resource: {
      description: 'team/channel',
      example: 'acme/eng-alerts',
      segment: '^[a-z0-9_.-]+$',
      caseInsensitive: true,
    },
  },
  {
    id: 'jira',
    displayName: 'Jira',
    actions: ['read', 'comment', 'write', 'admin'],
    implies: { admin: ['write'], write: ['comment'], comment: ['read'] },
    resource: {
      description: 'PROJECT/ISSUE-KEY',
      example: 'ENG/ENG-142',
      segment: `^${name}$`,
      caseInsensitive: true,
    },
  },
  {
    id: 'linear',
    displayName: 'Linear',
    actions: ['read', 'comment', 'write', 'admin'],
    implies: { admin: ['write'], write: ['comment'], comment: ['read'] },
    resource: {
      description: 'team/issue',
      example: 'platform/PLA-12',
      segment: `^${name}$`,
      caseInsensitive: true,
    },
  },
  {
    id: 'notion',
    displayName: 'Notion',
    actions: ['read', 'comment', 'edit', 'admin'],
    implies: { admin: ['edit'], edit: ['comment'], comment: ['read'] },
    resource: {
      description: 'workspace/page/…/page (page ids or slugs)',
      example: 'acme/engineering/runbooks',
      segment: `^${name}$`,
      caseInsensitive: false,
    },
  },
];
