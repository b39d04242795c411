import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { assertNever, DomainError, holdsRole, type WorkspaceRole } from '@mandate/domain';
import { ACCESS_RULES, PUBLIC_ROUTE, type AccessRule } from './access.decorators';
import type { Principal, PrincipalRef } from './principal';
import { WORKSPACE_ROLE_RESOLVER, type WorkspaceRoleResolver } from './workspace-role-resolver';

export const PLATFORM_ADMINS = Symbol('PlatformAdmins');

interface AuthorizedRequest {
  principal?: Principal;
  params?: Record<string, string | undefined>;
}

/**
 * Applies the route's declared access rules (any one admits). A route without rules admits every
 * authenticated principal. Runs after AuthenticationGuard, so a principal is always present.
 */
@Injectable()
export class AuthorizationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(WORKSPACE_ROLE_RESOLVER) private readonly roles: WorkspaceRoleResolver,
    @Inject(PLATFORM_ADMINS) private readonly platformAdmins: ReadonlySet<string>,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const rules = this.reflector.getAllAndMerge<AccessRule[]>(ACCESS_RULES, targets) ?? [];
    if (rules.length === 0) return true;
    const request = context.switchToHttp().getRequest<AuthorizedRequest>();
    const principal = request.principal;
    if (!principal) throw new DomainError('unauthorized', 'missing-token', 'A bearer token is required.');
    const held = new Map<string, WorkspaceRole[]>();
    for (const rule of rules) {
      if (await this.admits(rule, principal, request.params ?? {}, held)) return true;
    }
    // No role at all in the workspace: answer as if it did not exist, whether it does or not, so
    // a workspace id tells another tenant nothing.
    if (held.size > 0 && [...held.values()].every((roles) => roles.length === 0)) {
      throw new DomainError('not_found', 'workspace-not-found', 'Workspace not found');
    }
    throw new DomainError('forbidden', 'forbidden', 'You are not allowed to do this.', [], {
      required: rules.map(describeRule),
    });
  }

  private async admits(
    rule: AccessRule,
    principal: Principal,
    params: Record<string, string | undefined>,
    held: Map<string, WorkspaceRole[]>,
  ): Promise<boolean> {
    switch (rule.kind) {
      case 'platform-admin':
        return isPlatformAdmin(this.platformAdmins, principal);
      case 'scope': {
        if (principal.kind !== 'service' || !principal.scopes.includes(rule.scope)) return false;
        const workspaceId = params[rule.param];
        if (workspaceId === undefined || (await this.roles.serves(workspaceId, principal))) return true;
        // Another tenant's service: answered like a caller without standing there (404).
        held.set(workspaceId, held.get(workspaceId) ?? []);
        return false;
      }
      case 'workspace-role': {
        const workspaceId = params[rule.param];
        if (!workspaceId) throw new Error(`Route declares a workspace role but has no :${rule.param} param`);
        const roles = held.get(workspaceId) ?? (await this.roles.rolesOf(workspaceId, principal));
        held.set(workspaceId, roles);
        return holdsRole(roles, rule.role);
      }
      default:
        return assertNever(rule);
    }
  }
}

const describeRule = (rule: AccessRule): string => {
  switch (rule.kind) {
    case 'platform-admin':
      return 'platform admin';
    case 'scope':
      return `service scope "${rule.scope}"`;
    case 'workspace-role':
      return `workspace role "${rule.role}"`;
    default:
      return assertNever(rule);
  }
};

/** PLATFORM_ADMINS names users: a service with a listed subject is not a platform admin. */
export const isPlatformAdmin = (admins: ReadonlySet<string>, principal: PrincipalRef): boolean =>
  principal.kind === 'user' && admins.has(principal.id);

export const parsePlatformAdmins = (value: string): ReadonlySet<string> =>
  new Set(
    value
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean),
  );
