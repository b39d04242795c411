import { z } from 'zod';

/**
 * A yes/no query parameter: exactly `true` or `false`, documented as that enum. (zod's `stringbool`
 * also takes `1`, `yes`, `ON`, … which the document cannot list, so a client reading it would be
 * told those are invalid while the server took them.)
 */
export const queryFlag = () => z.enum(['true', 'false']).transform((value) => value === 'true');
