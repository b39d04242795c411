import { z } from 'zod';
import { toOpenApiSchema } from '@mandate/http';

/** Response shape of the baseline's dry run, for the OpenAPI document only. */
export const agentIdentityPreviewDoc = toOpenApiSchema(
  z.object({
    revision: z
      .number()
      .int()
      .describe('Revision of the baseline the events were decided against (also sent as ETag)'),
    events: z
      .array(
        z.object({
          type: z.string().describe('Event type, e.g. ConnectionGranted'),
          data: z.record(z.string(), z.unknown()).describe('The event as it would be recorded'),
        }),
      )
      .describe('What a PUT of the same document would record, in order; empty when nothing changes'),
  }),
);
