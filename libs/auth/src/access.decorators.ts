import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { Principal } from './principal';
import type { WorkspaceRole } from '@mandate/domain';

export const PUBLIC_ROUTE = 'mandate:public';
export const ACCESS_RULES = 'mandate:access-rules';

/** Who may call a route besides being authenticated; a route admits a caller matching any rule. */
export type AccessRule =
  | { kind: 'workspace-role'; role: WorkspaceRole; param: string }
  | { kind: 'scope'; scope: string; param: string }
  | { kind: 'platform-admin' };

/** OpenAPI marker read when the document is built: public operations need no bearer token. */
export const PUBLIC_OPERATION_EXTENSION = 'x-mandate-public';

/** No token needed. Reserved for probes, metrics and API docs. */
export const Public = () =>
  applyDecorators(SetMetadata(PUBLIC_ROUTE, true), ApiExtension(PUBLIC_OPERATION_EXTENSION, true));

const addRule = (rule: AccessRule): MethodDecorator & ClassDecorator => {
  const decorator = (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const holder: object = descriptor?.value ?? target;
    const existing: AccessRule[] = Reflect.getMetadata(ACCESS_RULES, holder) ?? [];
    Reflect.defineMetadata(ACCESS_RULES, [...existing, rule], holder);
  };
  return decorator as MethodDecorator & ClassDecorator;
};

/** Caller must hold `role` (or one including it) in the workspace named by the `:workspaceId` param. */
export const RequireWorkspaceRole = (role: WorkspaceRole, options: { param?: string } = {}) =>
  addRule({ kind: 'workspace-role', role, param: options.param ?? 'workspaceId' });

/**
 * Caller must be a service whose token carries `scope` and, on a route naming a workspace (the
 * `:workspaceId` param), a service bound to that workspace: the scope says what it may do, the
 * binding where.
 */
export const RequireScope = (scope: string, options: { param?: string } = {}) =>
  addRule({ kind: 'scope', scope, param: options.param ?? 'workspaceId' });

/** Caller must be listed in `PLATFORM_ADMINS` (e.g. to create workspaces). */
export const RequirePlatformAdmin = () => addRule({ kind: 'platform-admin' });

/** The authenticated principal of the current request. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal =>
    context.switchToHttp().getRequest<{ principal: Principal }>().principal,
);
