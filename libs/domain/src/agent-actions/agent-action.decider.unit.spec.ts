import { deciderSpec } from '@mandate/testing';
import type { Actor } from '../shared';
import type { AgentActionCommand } from './agent-action.commands';
import { agentActionDecider } from './agent-action.decider';
import type { AgentActionEvent } from './agent-action.events';
import type { ActionDecision, AgentActionRequest } from './agent-action.model';

const spec = deciderSpec(agentActionDecider);
const runtime: Actor = { kind: 'service', id: 'agent-runtime' };
const now = '2026-11-29T12:00:00.000Z';

const request: AgentActionRequest = {
  channelId: 'eng',
  connector: 'github',
  action: 'write',
  resource: 'acme/api',
  invokedBy: 'dave',
};
const allowed: ActionDecision = {
  allowed: true,
  reason: 'Allowed by baseline connection "github-main" on acme/*',
  provenance: { layer: 'baseline', rule: 'workspace/connections/github-main', pattern: 'acme/*' },
};
const denied: ActionDecision = {
  allowed: false,
  reason: 'Forbidden by workspace rule "no-api" on acme/api',
  provenance: { layer: 'forbid', rule: 'workspace/forbidden/no-api', pattern: 'acme/api' },
};

const record = (
  decision: ActionDecision,
  overrides: Partial<AgentActionRequest> = {},
): Extract<AgentActionCommand, { type: 'RecordAgentAction' }> => ({
  type: 'RecordAgentAction',
  actionId: 'act-1',
  idempotencyKey: 'run-42:step-3',
  request: { ...request, ...overrides },
  decision,
  actor: runtime,
  now,
});
const complete: AgentActionCommand = {
  type: 'CompleteAgentAction',
  detail: 'pushed 3 commits',
  actor: runtime,
  now,
};
const fail: AgentActionCommand = { type: 'FailAgentAction', error: 'HTTP 502', actor: runtime, now };

const authorized: AgentActionEvent = {
  type: 'AgentActionAuthorized',
  data: {
    actionId: 'act-1',
    idempotencyKey: 'run-42:step-3',
    request,
    decision: allowed,
    recordedBy: runtime,
  },
};
const deniedEvent: AgentActionEvent = {
  type: 'AgentActionDenied',
  data: { ...authorized.data, decision: denied },
};
const completed: AgentActionEvent = {
  type: 'AgentActionCompleted',
  data: { actionId: 'act-1', detail: 'pushed 3 commits' },
};

describe('agent action decider', () => {
  describe('RecordAgentAction', () => {
    it('records an authorized action with its provenance', () => {
      spec.given().when(record(allowed)).then([authorized]);
    });

    it('records a denied action with its provenance', () => {
      spec.given().when(record(denied)).then([deniedEvent]);
    });

    it('writes nothing for a retry with the same key and request, whatever the new evaluation says', () => {
      spec.given([authorized]).when(record(denied)).thenNothing();
    });

    it('writes nothing for a retry whose stored request comes back in canonical key order', () => {
      const { action, channelId, connector, invokedBy, resource } = request;
      const stored = { action, channelId, connector, invokedBy, resource };
      spec
        .given([{ ...authorized, data: { ...authorized.data, request: stored } }])
        .when(record(allowed))
        .thenNothing();
    });
    it('refuses the same key for a different request, naming the action the key already recorded', () => {
      const refusal = spec
        .given([authorized])
        .when(record(allowed, { resource: 'acme/infra' }))
        .thenRefuses({ code: 'idempotency-key-reused', kind: 'conflict', path: 'idempotencyKey' });
      expect(refusal.details).toEqual({ actionId: 'act-1' });
    });

    it('refuses a malformed idempotency key', () => {
      spec
        .given()
        .when({ ...record(allowed), idempotencyKey: 'has spaces' })
        .thenRefuses({ code: 'invalid-idempotency-key', kind: 'validation' });
    });

    it('refuses a decision without provenance', () => {
      spec
        .given()
        .when(record({ allowed: true, reason: 'trust me' } as ActionDecision))
        .thenRefuses({ code: 'invalid-decision', path: 'provenance' });
    });

    it('refuses a request without an invoking principal, naming the field', () => {
      spec
        .given()
        .when(record(allowed, { invokedBy: '' }))
        .thenRefuses({ code: 'invalid-agent-action', path: 'invokedBy' });
    });
  });

  describe('outcomes', () => {
    it('records completion', () => {
      spec.given([authorized]).when(complete).then([completed]);
    });

    it('records failure', () => {
      spec
        .given([authorized])
        .when(fail)
        .then([{ type: 'AgentActionFailed', data: { actionId: 'act-1', error: 'HTTP 502' } }]);
    });

    it('writes nothing when the same outcome is reported again', () => {
      spec.given([authorized, completed]).when(complete).thenNothing();
    });

    it('refuses a different outcome once one is recorded', () => {
      spec
        .given([authorized, completed])
        .when(fail)
        .thenRefuses({ code: 'outcome-already-recorded', kind: 'conflict' });
    });

    it('given a failure recorded, when it is reported again, then nothing is written; a completion after it is refused', () => {
      const failed: AgentActionEvent = {
        type: 'AgentActionFailed',
        data: { actionId: 'act-1', error: 'HTTP 502' },
      };
      spec.given([authorized, failed]).when(fail).thenNothing();
      spec
        .given([authorized, failed])
        .when(complete)
        .thenRefuses({ code: 'outcome-already-recorded', kind: 'conflict' });
    });

    it('given an outcome event for an action never recorded, then the action stays unknown', () => {
      const failed: AgentActionEvent = { type: 'AgentActionFailed', data: { actionId: 'act-1', error: 'x' } };
      spec.given([failed]).when(fail).thenRefuses({ code: 'agent-action-not-found', kind: 'not_found' });
      spec
        .given([completed])
        .when(complete)
        .thenRefuses({ code: 'agent-action-not-found', kind: 'not_found' });
    });

    it('refuses an outcome for a denied action', () => {
      spec.given([deniedEvent]).when(complete).thenRefuses({ code: 'agent-action-denied', kind: 'conflict' });
    });

    it('refuses an outcome for an unknown action', () => {
      spec.given().when(fail).thenRefuses({ code: 'agent-action-not-found', kind: 'not_found' });
    });
  });

  describe('the credential the gateway injects', () => {
    const leaseId = '0193a0c4-7b2e-7c3d-9e4f-5a6b7c8d9e0f';

    it('given a call through a connection, when recorded, then the connection is named', () => {
      spec
        .given()
        .when({ ...record(allowed), connectionId: 'github-main' })
        .then([
          { ...authorized, data: { ...authorized.data, connectionId: 'github-main' } } as AgentActionEvent,
        ]);
    });

    it('given a connection id outside the identifier grammar, then the record is refused', () => {
      spec
        .given()
        .when({ ...record(allowed), connectionId: 'Not An Id!' })
        .thenRefuses({ code: 'invalid-connection-id', kind: 'validation' });
    });

    it('given a call made with a lease, when it completes or fails, then the lease is named', () => {
      spec
        .given([authorized])
        .when({ ...complete, leaseId } as AgentActionCommand)
        .then([
          { type: 'AgentActionCompleted', data: { actionId: 'act-1', detail: 'pushed 3 commits', leaseId } },
        ]);
      spec
        .given([authorized])
        .when({ ...fail, leaseId } as AgentActionCommand)
        .then([{ type: 'AgentActionFailed', data: { actionId: 'act-1', error: 'HTTP 502', leaseId } }]);
    });

    it('given a lease id that is not a UUID, then the outcome is refused', () => {
      spec
        .given([authorized])
        .when({ ...complete, leaseId: 'token-abc' } as AgentActionCommand)
        .thenRefuses({ code: 'invalid-lease-id', kind: 'validation' });
    });
  });
});
