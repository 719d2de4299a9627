import { HTTPBadRequest } from '@grove/core';

export const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Senlin's words when a verb body names no verb or several; they differ between endpoints. */
export interface VerbMessages {
  none: string;
  many: string;
}

/**
 * The one `{"<verb>": …}` of an action or operation request, as Senlin reads it: an empty or
 * missing body names no verb, a body with two keys names several. Returns the verb and its value.
 */
export function singleVerb(body: unknown, m: VerbMessages): [string, unknown] {
  if (body === undefined || body === null || body === '' || (Array.isArray(body) && !body.length)) {
    throw new HTTPBadRequest(m.none);
  }
  if (!isMap(body)) throw new HTTPBadRequest('The request body must be a JSON object.');
  const keys = Object.keys(body);
  if (keys.length === 0) throw new HTTPBadRequest(m.none);
  if (keys.length > 1) throw new HTTPBadRequest(m.many);
  return [keys[0], body[keys[0]]];
}
