import { z } from 'zod';
import { defineEventSchema } from '@mandate/domain';
import { refusalOf } from '@mandate/testing';
import { EventSchemaRegistry } from './event-schema-registry';

const v1 = defineEventSchema({ type: 'GrantRequested', version: 1, schema: z.object({ who: z.string() }) });
const v2 = defineEventSchema({
  type: 'GrantRequested',
  version: 2,
  schema: z.object({ requester: z.string() }),
  upcast: (previous) => ({ requester: (previous as { who: string }).who }),
});
const v3 = defineEventSchema({
  type: 'GrantRequested',
  version: 3,
  schema: z.object({ requester: z.string(), reasons: z.array(z.string()).min(1) }),
  upcast: (previous) => ({ ...(previous as { requester: string }), reasons: ['(none recorded)'] }),
});

describe('EventSchemaRegistry', () => {
  const registry = new EventSchemaRegistry([v3, v1, v2]);

  it('given versions registered in any order, when validating without a version, then the newest applies', () => {
    expect(registry.latestVersion('GrantRequested')).toBe(3);
    expect(registry.validate('GrantRequested', { requester: 'u-1', reasons: ['deploy'] })).toEqual({
      data: { requester: 'u-1', reasons: ['deploy'] },
      schemaVersion: 3,
    });
  });

  it('given an explicit older version, when validating, then that version’s schema applies', () => {
    expect(registry.validate('GrantRequested', { who: 'u-1' }, 1)).toEqual({
      data: { who: 'u-1' },
      schemaVersion: 1,
    });
  });

  it('given data with unknown keys, when validating, then the parsed data drops them', () => {
    expect(registry.validate('GrantRequested', { who: 'u-1', extra: true }, 1).data).toEqual({ who: 'u-1' });
  });

  it('given invalid data, when validating, then the error is a validation error naming each field path', () => {
    const error = refusalOf(() => registry.validate('GrantRequested', { requester: 7, reasons: [3] }));

    expect(error).toMatchObject({ kind: 'validation', code: 'invalid-event-data' });
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['reasons[0]', 'requester']);
  });

  it('given an unknown type, when validating, then it is refused as unknown-event-type', () => {
    expect(refusalOf(() => registry.validate('Nope', {}))).toMatchObject({ code: 'unknown-event-type' });
  });

  it('given a version that does not exist, when validating, then it is refused', () => {
    expect(refusalOf(() => registry.validate('GrantRequested', {}, 9))).toMatchObject({
      code: 'unknown-event-schema-version',
    });
  });

  it('given v1 data, when upcasting, then every step applies in order up to the newest version', () => {
    expect(registry.upcast('GrantRequested', { who: 'u-1' }, 1)).toEqual({
      data: { requester: 'u-1', reasons: ['(none recorded)'] },
      schemaVersion: 3,
    });
  });

  it('given newest-version data or an unregistered type, when upcasting, then data passes through untouched', () => {
    const data = { requester: 'u-1', reasons: ['x'] };
    expect(registry.upcast('GrantRequested', data, 3).data).toBe(data);
    expect(registry.upcast('Unregistered', data, 1)).toEqual({ data, schemaVersion: 1 });
  });

  it('given a missing version or a version without an upcaster, when building, then it fails fast', () => {
    expect(() => new EventSchemaRegistry([v1, v3])).toThrow(/version 2 is missing/);
    expect(() => new EventSchemaRegistry([v1, { ...v2, upcast: undefined }])).toThrow(/needs an upcast/);
  });
});
