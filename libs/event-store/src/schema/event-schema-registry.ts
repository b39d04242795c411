import { DomainError, type EventSchema, type FieldIssue } from '@mandate/domain';
import type { ZodError } from 'zod';

export interface ValidatedData {
  data: unknown;
  schemaVersion: number;
}

/**
 * Every event type's schemas, by version. The store validates `data` on append (nothing invalid is
 * ever written) and upcasts stored data on read, one version step at a time; stored rows are never
 * rewritten.
 */
export class EventSchemaRegistry {
  private readonly byType = new Map<string, EventSchema[]>();

  constructor(schemas: readonly EventSchema[]) {
    for (const schema of schemas) {
      const versions = this.byType.get(schema.type) ?? [];
      versions[schema.version] = schema;
      this.byType.set(schema.type, versions);
    }
    for (const [type, versions] of this.byType) {
      for (let version = 1; version < versions.length; version++) {
        const schema = versions[version];
        if (!schema) throw new Error(`${type}: schema version ${version} is missing`);
        if (version > 1 && !schema.upcast)
          throw new Error(`${type} v${version}: needs an upcast from v${version - 1}`);
      }
    }
  }

  has(type: string): boolean {
    return this.byType.has(type);
  }

  latestVersion(type: string): number {
    return this.versionsOf(type).length - 1;
  }

  /** Parses `data` against `schemaVersion` (default: newest); returns the parsed (normalised) data. */
  validate(type: string, data: unknown, schemaVersion?: number): ValidatedData {
    const versions = this.versionsOf(type);
    const version = schemaVersion ?? versions.length - 1;
    const schema = versions[version];
    if (!schema) {
      throw new DomainError(
        'validation',
        'unknown-event-schema-version',
        `${type} has no schema v${version}`,
        [],
        {
          type,
          schemaVersion: version,
        },
      );
    }
    const parsed = schema.schema.safeParse(data);
    if (!parsed.success) {
      throw new DomainError(
        'validation',
        'invalid-event-data',
        `Invalid data for ${type} v${version}`,
        toFieldIssues(parsed.error),
        { type, schemaVersion: version },
      );
    }
    return { data: parsed.data, schemaVersion: version };
  }

  /** Brings stored data up to the newest version of its type. Unknown types pass through unchanged. */
  upcast(type: string, data: unknown, schemaVersion: number): ValidatedData {
    const versions = this.byType.get(type);
    if (!versions || schemaVersion >= versions.length - 1) return { data, schemaVersion };
    let upcast = data;
    for (let version = schemaVersion + 1; version < versions.length; version++) {
      upcast = versions[version].upcast!(upcast);
    }
    return { data: upcast, schemaVersion: versions.length - 1 };
  }

  private versionsOf(type: string): EventSchema[] {
    const versions = this.byType.get(type);
    if (!versions) {
      throw new DomainError('validation', 'unknown-event-type', `Unknown event type ${type}`, [], { type });
    }
    return versions;
  }
}

function toFieldIssues(error: ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.reduce<string>(
      (path, key) =>
        typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${String(key)}` : String(key),
      '',
    ),
    message: issue.message,
  }));
}
