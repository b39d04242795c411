import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthenticationGuard } from './authentication.guard';
import { AuthorizationGuard, PLATFORM_ADMINS, parsePlatformAdmins } from './authorization.guard';
import {
  NoRolesResolver,
  WORKSPACE_ROLE_RESOLVER,
  type WorkspaceRoleResolver,
} from './workspace-role-resolver';
import { TOKEN_VERIFIER, type TokenVerifier } from './token-verifier';

export interface AuthModuleOptions {
  verifier: TokenVerifier;
  platformAdmins: string;
  /** Membership lookup; defaults to nobody holding any role. */
  roleResolver?: WorkspaceRoleResolver;
}

/** Installs authentication then authorization as global guards, in that order. */
@Module({})
export class AuthModule {
  static forRoot(options: AuthModuleOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: TOKEN_VERIFIER, useValue: options.verifier },
      { provide: PLATFORM_ADMINS, useValue: parsePlatformAdmins(options.platformAdmins) },
      { provide: WORKSPACE_ROLE_RESOLVER, useValue: options.roleResolver ?? new NoRolesResolver() },
      { provide: APP_GUARD, useClass: AuthenticationGuard },
      { provide: APP_GUARD, useClass: AuthorizationGuard },
    ];
    return {
      module: AuthModule,
      global: true,
      providers,
      exports: [TOKEN_VERIFIER, PLATFORM_ADMINS, WORKSPACE_ROLE_RESOLVER],
    };
  }
}
