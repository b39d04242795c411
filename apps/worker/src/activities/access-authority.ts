import {
  type AccessRequestCommand,
  accessRequestDecider,
  type AccessRequestEvent,
  type AccessRequestState,
  approvalPolicyDecider,
  approvalPolicyStreamId,
  type Decider,
  DomainError,
  latestRound,
  rolesHeldBy,
  workspaceDecider,
  workspaceStreamId,
} from '@mandate/domain';
import { type EventStore, foldStream } from '@mandate/event-store';
import { checkJitCommandSignature } from '@mandate/temporal';
import { JIT_SYSTEM_ACTOR } from '@mandate/workflows';

/** The workflow's own steps: the decider lets them act only once their time has come. */
const SYSTEM_STEPS: ReadonlySet<AccessRequestCommand['type']> = new Set(['TimeOutApproval', 'ExpireAccess']);

/**
 * Replaces what a Temporal payload claims with what the log says: the caller's roles come from the
 * workspace's membership and a request's policy from the workspace's stored approval policy. The
 * workflow's own steps are recorded as the system, whoever the payload names.
 */
export async function withAuthorityFromLog(
  store: Pick<EventStore, 'readStream'>,
  workspaceId: string,
  command: AccessRequestCommand,
): Promise<AccessRequestCommand> {
  if (SYSTEM_STEPS.has(command.type)) return { ...command, actor: JIT_SYSTEM_ACTOR, callerRoles: [] };
  const workspace = await foldStream(store, workspaceDecider, workspaceStreamId(workspaceId));
  const callerRoles = rolesHeldBy(workspace, command.actor);
  if (command.type !== 'RequestAccess') return { ...command, callerRoles };
  const { policy } = await foldStream(store, approvalPolicyDecider, approvalPolicyStreamId(workspaceId));
  return { ...command, callerRoles, policy };
}

/**
 * The access request decider, deciding only what the API signed: the request, or a caller's
 * command on the request and round the stored stream is in. A decision signed for an earlier
 * round is a conflict (the request moved on); one without a valid signature is refused.
 */
export function signedByApi(
  key: Buffer,
  signature: string | undefined,
): Decider<AccessRequestCommand, AccessRequestEvent, AccessRequestState> {
  return {
    ...accessRequestDecider,
    decide: (command, state) => {
      requireSignature(key, signature, command, state);
      return accessRequestDecider.decide(command, state);
    },
  };
}

function requireSignature(
  key: Buffer,
  signature: string | undefined,
  command: AccessRequestCommand,
  state: AccessRequestState,
): void {
  if (SYSTEM_STEPS.has(command.type)) return;
  const request =
    command.type === 'RequestAccess' ? command : state.status === 'absent' ? undefined : state.request;
  // No request to act on: the decider refuses with request-not-found.
  if (request === undefined) return;
  const check = checkJitCommandSignature(
    key,
    {
      workspaceId: request.workspaceId,
      requestId: request.requestId,
      round: command.type === 'RequestAccess' ? 0 : latestRound(state),
      command,
    },
    signature,
  );
  if (check === 'other-round') {
    throw new DomainError(
      'conflict',
      'request-changed',
      'The request moved to another approval round since the caller read it',
    );
  }
  if (check !== 'valid') {
    throw new DomainError(
      'forbidden',
      'unsigned-command',
      'The command does not carry the API’s signature; Temporal traffic is not an authority',
    );
  }
}
