import { Module, type DynamicModule, type Provider, type Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthenticationGuard } from './authentication.guard';
import { BearerAuthenticator } from './bearer-authenticator';
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
  /** Membership lookup as a value (tests); wins over `roleResolverModule`. */
  roleResolver?: WorkspaceRoleResolver;
  /**
   * A module exporting `WORKSPACE_ROLE_RESOLVER` (the membership projection). Without it, or a
   * `roleResolver`, nobody holds any role.
   */
  roleResolverModule?: Type | DynamicModule;
}

/** Installs authentication then authorization as global guards, in that order. */
@Module({})
export class AuthModule {
  static forRoot(options: AuthModuleOptions): DynamicModule {
    const resolverModule = options.roleResolver ? undefined : options.roleResolverModule;
    const providers: Provider[] = [
      { provide: TOKEN_VERIFIER, useValue: options.verifier },
      { provide: PLATFORM_ADMINS, useValue: parsePlatformAdmins(options.platformAdmins) },
      BearerAuthenticator,
      { provide: APP_GUARD, useClass: AuthenticationGuard },
      { provide: APP_GUARD, useClass: AuthorizationGuard },
    ];
    if (resolverModule === undefined) {
      providers.push({
        provide: WORKSPACE_ROLE_RESOLVER,
        useValue: options.roleResolver ?? new NoRolesResolver(),
      });
    }
    return {
      module: AuthModule,
      global: true,
      imports: resolverModule === undefined ? [] : [resolverModule],
      providers,
      exports: [
        TOKEN_VERIFIER,
        BearerAuthenticator,
        PLATFORM_ADMINS,
        resolverModule ?? WORKSPACE_ROLE_RESOLVER,
      ],
    };
  }
}
