import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '@mandate/config';
import { type AccessRequestState, type Actor, latestRound } from '@mandate/domain';
import type { Logger } from '@mandate/observability';
import { loadJitCommandKey, signJitCommand } from '@mandate/temporal';
import type { JitCommandBody, RequestAccessCommand } from '@mandate/workflows';
import { APP_CONFIG, LOGGER } from '../app.tokens';

/**
 * Signs what the API sends through Temporal, so the worker records only what an authenticated,
 * authorized caller asked for (the worker re-reads roles and policy from the log itself). The key
 * is shared with the worker; production refuses to start without it.
 */
@Injectable()
export class JitCommandSigner {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(LOGGER) logger: Logger) {
    this.key = loadJitCommandKey({
      path: config.JIT_COMMAND_KEY_PATH,
      dataDir: config.DATA_DIR,
      production: config.NODE_ENV === 'production',
      warn: (message) => logger.warn(message),
    });
  }

  request(command: RequestAccessCommand): string {
    const { workspaceId, requestId } = command;
    return signJitCommand(this.key, { workspaceId, requestId, round: 0, command });
  }

  /** A caller's command on a stored request, bound to the round the request is in as read. */
  update(
    state: Exclude<AccessRequestState, { status: 'absent' }>,
    actor: Actor,
    body: JitCommandBody,
  ): string {
    const { workspaceId, requestId } = state.request;
    return signJitCommand(this.key, {
      workspaceId,
      requestId,
      round: latestRound(state),
      command: { ...body, actor },
    });
  }
}
