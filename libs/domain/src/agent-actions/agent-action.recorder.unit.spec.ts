import { deciderSpec } from '@mandate/testing';
import type { Actor } from '../shared';
import type { AgentActionCommand } from './agent-action.commands';
import { agentActionDecider } from './agent-action.decider';
import { type AgentActionEvent, agentActionEventSchemas } from './agent-action.events';

const spec = deciderSpec(agentActionDecider);
const now = '2026-11-29T12:00:00.000Z';
const runtime: Actor = { kind: 'service', id: 'agent-runtime' };
const otherRuntime: Actor = { kind: 'service', id: 'other-runtime' };
/** A user whose subject is the recording service's: not the same principal. */
const runtimeNamesake: Actor = { kind: 'user', id: 'agent-runtime' };

const data = {
  actionId: 'act-1',
  idempotencyKey: 'run-42:step-3',
  request: {
    channelId: 'eng',
    connector: 'github',
    action: 'write',
    resource: 'acme/api',
    invokedBy: 'dave',
  },
  decision: {
    allowed: true,
    reason: 'Allowed by baseline connection "github-main" on acme/*',
    provenance: { layer: 'baseline' as const, rule: 'workspace/connections/github-main', pattern: 'acme/*' },
  },
};
const authorizedBy = (recordedBy: Actor | null): AgentActionEvent => ({
  type: 'AgentActionAuthorized',
  data: { ...data, recordedBy },
});
const complete = (actor: Actor): AgentActionCommand => ({
  type: 'CompleteAgentAction',
  detail: 'done',
  actor,
  now,
});

describe('agent action: only the principal that recorded an action records its outcome', () => {
  it('given a record, then it names its recorder (kind and subject)', () => {
    spec
      .given()
      .when({ type: 'RecordAgentAction', ...data, actor: runtime, now })
      .then([authorizedBy({ kind: 'service', id: 'agent-runtime' })]);
  });

  it('given an action recorded by one service, when another service reports its outcome, then it is refused', () => {
    spec
      .given([authorizedBy(runtime)])
      .when(complete(otherRuntime))
      .thenRefuses({ code: 'not-action-recorder', kind: 'forbidden' });
  });

  it("given an action recorded by a service, when a user with the service's subject reports its outcome, then it is refused", () => {
    spec
      .given([authorizedBy(runtime)])
      .when(complete(runtimeNamesake))
      .thenRefuses({ code: 'not-action-recorder', kind: 'forbidden' });
  });

  it('given an action recorded by a service, when that service reports its outcome, then it is recorded', () => {
    spec
      .given([authorizedBy(runtime)])
      .when(complete(runtime))
      .then([{ type: 'AgentActionCompleted', data: { actionId: 'act-1', detail: 'done' } }]);
  });

  it('given an action stored before its recorder was kept (v1), when read, then it names none and nobody may report its outcome', () => {
    const v2 = agentActionEventSchemas.find(
      (schema) => schema.type === 'AgentActionAuthorized' && schema.version === 2,
    );
    const upcast = v2?.upcast?.(data) as AgentActionEvent['data'];

    expect(upcast).toEqual({ ...data, recordedBy: null });
    spec
      .given([{ type: 'AgentActionAuthorized', data: upcast } as AgentActionEvent])
      .when(complete(runtime))
      .thenRefuses({ code: 'not-action-recorder', kind: 'forbidden' });
  });
});
