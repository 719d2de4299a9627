import type { HttpAnswer } from './grove-harness';

/** The fault body every error answer carries (API.md §3). */
export interface Fault {
  code: number;
  title: string;
  explanation: string;
  error: { code: number; message: string; type: string };
}

/**
 * Asserts an error answer: its status, Senlin's exception type and, when given, the message
 * verbatim (tempest compares `error.message` exactly) or a pattern it must match.
 */
export function expectFault(a: HttpAnswer<unknown>, status: number, type: string, message?: string | RegExp): void {
  const body = a.body as Fault;
  expect({ status: a.status, type: body?.error?.type }).toEqual({ status, type });
  expect(body.code).toBe(status);
  expect(body.error.code).toBe(status);
  if (typeof message === 'string') expect(body.error.message).toBe(message);
  else if (message) expect(body.error.message).toMatch(message);
}

/**
 * Asserts a 202 that points at its action: an absolute Location ending in the action id, and
 * (for action and operation requests) the body `{"action": id}`. Returns the action id.
 */
export function expectAccepted(a: HttpAnswer<unknown>, o: { actionBody?: boolean } = {}): string {
  expect(a.status).toBe(202);
  const location = a.headers.get('location') ?? '';
  expect(location).toMatch(/^https?:\/\/[^/]+\/v1\/actions\/[0-9a-f-]{36}$/);
  const id = location.split('/').pop() ?? '';
  if (o.actionBody ?? true) expect(a.body).toEqual({ action: id });
  return id;
}
