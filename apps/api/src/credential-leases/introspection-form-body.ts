import type { FastifyInstance } from 'fastify';
import { errorCodes } from 'fastify';

export const INTROSPECTION_PATH = '/v1/oauth/introspect';
const FORM = 'application/x-www-form-urlencoded';
const MAX_FORM_BYTES = 16_384;

/**
 * RFC 7662 clients post a form. The API is JSON only, so the form is parsed for the introspection
 * route alone; on any other route a form is the 415 it always was. A repeated field is refused
 * (its meaning would be the parser's choice), and so is anything but a flat list of fields.
 */
export function installIntrospectionFormBody(fastify: FastifyInstance): void {
  fastify.addContentTypeParser(
    FORM,
    { parseAs: 'string', bodyLimit: MAX_FORM_BYTES },
    (request, body, done) => {
      if (request.routeOptions.url !== INTROSPECTION_PATH) {
        done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(FORM), undefined);
        return;
      }
      const fields: Record<string, string | string[]> = {};
      for (const [name, value] of new URLSearchParams(body as string)) {
        const previous = fields[name];
        fields[name] = previous === undefined ? value : [...[previous].flat(), value];
      }
      done(null, fields);
    },
  );
}
