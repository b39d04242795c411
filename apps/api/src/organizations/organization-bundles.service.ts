import { Injectable } from '@nestjs/common';
import type { Principal } from '@mandate/auth';
import {
  type AccessBundleDocumentInput,
  type AccessBundleState,
  DomainError,
  organizationBundleDecider,
  type OrganizationBundleCommand,
  organizationBundleStreamId,
  organizationEnvelopeId,
} from '@mandate/domain';
import { type CommandOutcome, CommandRunner } from '../core/command-runner';
import { ProjectionService } from '../core/projection.service';
import { OrganizationsService } from './organizations.service';

export interface OrganizationBundleView {
  bundleId: string;
  name: string;
  status: 'active' | 'retired';
  connections: Extract<AccessBundleState, { status: 'active' }>['connections'];
  repositories: string[];
  skills: string[];
  instructions: string;
  domains: Extract<AccessBundleState, { status: 'active' }>['domains'];
  attached: boolean;
  revision: number;
}

const bundleNotFound = () => new DomainError('not_found', 'bundle-not-found', 'Access bundle not found');

/**
 * An organization's bundles (`organization-bundle-<org>.<bundleId>`): the bundle decider wrapped
 * under the organization's owners. Only owners read or change them; to anyone else the
 * organization does not exist.
 */
@Injectable()
export class OrganizationBundlesService {
  constructor(
    private readonly commands: CommandRunner,
    private readonly projections: ProjectionService,
    private readonly organizations: OrganizationsService,
  ) {}

  async list(principal: Principal, organizationId: string): Promise<OrganizationBundleView[]> {
    const { state } = await this.organizations.owned(principal, organizationId);
    await this.projections.reachHead();
    const ids = [
      ...(this.projections.projection.organization(organizationId)?.permissions.bundles.keys() ?? []),
    ];
    const attached = state.status === 'active' ? state.bundles : [];
    return Promise.all(ids.sort().map((id) => this.view(organizationId, id, attached)));
  }

  async get(principal: Principal, organizationId: string, bundleId: string): Promise<OrganizationBundleView> {
    const { state } = await this.organizations.owned(principal, organizationId);
    return this.view(organizationId, bundleId, state.status === 'active' ? state.bundles : []);
  }

  async run(
    principal: Principal,
    organizationId: string,
    bundleId: string,
    change:
      | { type: 'ApplyOrganizationBundleDocument'; document: AccessBundleDocumentInput }
      | { type: 'RetireOrganizationBundle' },
    expectedRevision: number | undefined,
  ): Promise<CommandOutcome> {
    const { state: organization } = await this.organizations.owned(principal, organizationId);
    return this.commands.run(
      organizationBundleDecider,
      organizationBundleStreamId(organizationId, bundleId),
      (context) => ({ ...change, bundleId, organization, ...context }) as OrganizationBundleCommand,
      {
        workspaceId: organizationEnvelopeId(organizationId),
        principal,
        expectedRevision,
        issuesIn: change.type === 'RetireOrganizationBundle' ? 'params' : 'body',
      },
    );
  }

  private async view(organizationId: string, bundleId: string, attached: readonly string[]) {
    const { state, revision } = await this.commands.fold(
      organizationBundleDecider,
      organizationBundleStreamId(organizationId, bundleId),
    );
    if (state.status === 'absent') throw bundleNotFound();
    const { name, status, connections, repositories, skills, instructions, domains } = state;
    return {
      bundleId,
      name,
      status,
      connections,
      repositories,
      skills,
      instructions,
      domains,
      attached: attached.includes(bundleId),
      revision,
    };
  }
}
