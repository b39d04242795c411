import { DomainError } from '@mandate/domain';
import { answeredCount, toCheckRequest, withDefaults } from './authzen-request.mapping';
import type { AuthzenEvaluation } from './authzen.schemas';

const evaluation = (overrides: Partial<AuthzenEvaluation> = {}): AuthzenEvaluation => ({
  subject: { type: 'agent', id: 'acme/eng' },
  action: { name: 'github:write' },
  resource: { type: 'github', id: 'acme/api' },
  ...overrides,
});

const refusalOf = (mapped: ReturnType<typeof toCheckRequest>) => {
  if (mapped.ok) throw new Error('expected a refusal');
  return mapped.refusal;
};

describe('AuthZEN request → PermissionQuery (pure mapping)', () => {
  describe('toCheckRequest', () => {
    it('given the agent in a channel and `<connector>:<action>`, when mapped, then it is the /v1/check request it asks', () => {
      const mapped = toCheckRequest(
        evaluation({
          subject: { type: 'agent', id: 'acme/eng', properties: { invokedBy: 'alice', department: 'x' } },
          context: { at: '2026-01-01T00:00:00Z', minPosition: 7, time: 'ignored' },
        }),
      );

      expect(mapped).toEqual({
        ok: true,
        check: {
          workspaceId: 'acme',
          channelId: 'eng',
          connector: 'github',
          action: 'write',
          resource: 'acme/api',
          invokedBy: 'alice',
          at: '2026-01-01T00:00:00Z',
          minPosition: 7,
        },
      });
    });

    it('given the action alone with properties.connector, or with no connector but resource.type, when mapped, then the connector is resource.type', () => {
      const withProperty = toCheckRequest(
        evaluation({ action: { name: 'write', properties: { connector: 'github' } } }),
      );
      const plain = toCheckRequest(evaluation({ action: { name: 'write' } }));

      for (const mapped of [withProperty, plain]) {
        expect(mapped).toMatchObject({ ok: true, check: { connector: 'github', action: 'write' } });
      }
    });

    it('given a connector named differently by the action and resource.type, when mapped, then it is refused, never one of them chosen', () => {
      const byName = refusalOf(toCheckRequest(evaluation({ action: { name: 'jira:write' } })));
      const byProperty = refusalOf(
        toCheckRequest(evaluation({ action: { name: 'write', properties: { connector: 'jira' } } })),
      );

      expect(byName).toMatchObject({ status: 400, code: 'validation-failed' });
      expect(byName.errors.map((error) => error.path)).toEqual(['body.action.name']);
      expect(byProperty.errors.map((error) => error.path)).toEqual(['body.action.properties.connector']);
    });

    it('given a subject that is not the agent, when mapped, then it is refused at subject.type', () => {
      const refusal = refusalOf(toCheckRequest(evaluation({ subject: { type: 'user', id: 'acme/eng' } })));

      expect(refusal.errors).toEqual([{ path: 'body.subject.type', message: 'must be "agent"' }]);
    });

    it.each([
      ['no channel', 'acme'],
      ['an empty workspace', '/eng'],
      ['a nested channel', 'acme/eng/x'],
      ['an uppercase id', 'Acme/eng'],
      ['a traversal', 'acme/..'],
    ])(
      'given a subject id with %s, when mapped, then it is refused as /v1/check refuses the identifier, at subject.id',
      (_case, id) => {
        const refusal = refusalOf(toCheckRequest(evaluation({ subject: { type: 'agent', id } })));

        expect(refusal.code).toBe('validation-failed');
        expect(refusal.errors.length).toBeGreaterThan(0);
        expect(refusal.errors.every((error) => error.path === 'body.subject.id')).toBe(true);
      },
    );

    it('given fields /v1/check refuses (a bad instant, a negative position, an over-long resource, a non-string invoker), when mapped, then each is named where the AuthZEN request carries it', () => {
      const refusal = refusalOf(
        toCheckRequest(
          evaluation({
            subject: { type: 'agent', id: 'acme/eng', properties: { invokedBy: 42 } },
            resource: { type: 'github', id: 'a'.repeat(1001) },
            context: { at: 'yesterday', minPosition: -1 },
          }),
          3,
        ),
      );

      expect(refusal.errors.map((error) => error.path).sort()).toEqual([
        'body.evaluations[3].context.at',
        'body.evaluations[3].context.minPosition',
        'body.evaluations[3].resource.id',
        'body.evaluations[3].subject.properties.invokedBy',
      ]);
    });

    it('given an empty resource.type (the connector), when mapped, then it is refused at resource.type', () => {
      const refusal = refusalOf(
        toCheckRequest(evaluation({ action: { name: 'write' }, resource: { type: '', id: 'acme/api' } })),
      );

      expect(refusal.errors.map((error) => error.path)).toEqual(['body.resource.type']);
    });

    it('given a resource outside the connector syntax, when mapped, then it passes through unchanged for the evaluator to deny as malformed-resource', () => {
      const mapped = toCheckRequest(evaluation({ resource: { type: 'github', id: 'acme/../x' } }));

      expect(mapped).toMatchObject({ ok: true, check: { resource: 'acme/../x' } });
    });
  });

  describe('withDefaults', () => {
    it('given top-level defaults and items overriding some keys, when applied, then each item key replaces the default as a whole', () => {
      const { evaluations, single } = withDefaults({
        subject: { type: 'agent', id: 'acme/eng' },
        action: { name: 'github:read' },
        context: { minPosition: 3 },
        evaluations: [
          { resource: { type: 'github', id: 'acme/a' } },
          { action: { name: 'github:write' }, resource: { type: 'github', id: 'acme/b' }, context: {} },
        ],
      });

      expect(single).toBe(false);
      expect(evaluations).toEqual([
        {
          subject: { type: 'agent', id: 'acme/eng' },
          action: { name: 'github:read' },
          resource: { type: 'github', id: 'acme/a' },
          context: { minPosition: 3 },
        },
        {
          subject: { type: 'agent', id: 'acme/eng' },
          action: { name: 'github:write' },
          resource: { type: 'github', id: 'acme/b' },
          context: {},
        },
      ]);
    });

    it('given no items or an empty array, when applied, then the request is the single evaluation of its top-level keys', () => {
      const top = {
        subject: { type: 'agent', id: 'acme/eng' },
        action: { name: 'github:read' },
        resource: { type: 'github', id: 'acme/a' },
      };

      for (const request of [top, { ...top, evaluations: [] }]) {
        expect(withDefaults(request)).toEqual({
          evaluations: [{ ...top, context: undefined }],
          single: true,
        });
      }
    });

    it('given an entity neither the item nor the defaults provide, when applied, then the whole request is a 400 naming each missing key', () => {
      const applying = () =>
        withDefaults({
          action: { name: 'github:read' },
          evaluations: [
            { subject: { type: 'agent', id: 'acme/eng' }, resource: { type: 'github', id: 'acme/a' } },
            { resource: { type: 'github', id: 'acme/b' } },
          ],
        });

      expect(applying).toThrow(DomainError);
      try {
        applying();
      } catch (error) {
        expect(error).toMatchObject({ kind: 'validation', code: 'validation-failed' });
        expect((error as DomainError).issues.map((issue) => issue.path)).toEqual([
          'body.evaluations[1].subject',
        ]);
      }
    });
  });

  describe('answeredCount', () => {
    const decisions = [true, false, true, false];

    it('given execute_all, when counting, then every decision is answered', () => {
      expect(answeredCount(decisions, 'execute_all')).toBe(4);
    });

    it('given deny_on_first_deny, when counting, then decisions up to and including the first denial are answered', () => {
      expect(answeredCount(decisions, 'deny_on_first_deny')).toBe(2);
      expect(answeredCount([true, true], 'deny_on_first_deny')).toBe(2);
    });

    it('given permit_on_first_permit, when counting, then decisions up to and including the first permit are answered', () => {
      expect(answeredCount([false, false, true, true], 'permit_on_first_permit')).toBe(3);
      expect(answeredCount([false, false], 'permit_on_first_permit')).toBe(2);
    });
  });
});
