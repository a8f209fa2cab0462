import { z } from 'zod';

/**
 * A strict object schema whose refusal of an unknown key names the keys it
 * takes: a typo in a request or a patch is answered with the spelling
 * expected, not only with the key refused.
 */
export function closedObject<Shape extends z.ZodRawShape>(shape: Shape) {
  const known = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}; expected only ${known}` : undefined),
  });
}
