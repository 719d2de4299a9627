import type { RequestContext } from '@grove/core';
import { ACCESS_RULES, allowed, enforce, type AccessRule } from './access-rules';

const ctx = (o: Partial<RequestContext>): RequestContext => ({
  requestId: 'req-1',
  userId: 'u1',
  projectId: 'p1',
  domainId: null,
  roles: ['member'],
  isAdmin: false,
  ...o,
});

describe('ACCESS_RULES', () => {
  const member = ctx({});
  const admin = ctx({ userId: 'root', roles: ['admin'], isAdmin: true });

  it.each(Object.keys(ACCESS_RULES) as AccessRule[])('%s: an admin may', (rule) => {
    expect(allowed(admin, rule, 'someone-else')).toBe(true);
  });

  it('keeps admin-only rules from members', () => {
    expect(allowed(member, 'services:index')).toBe(false);
    expect(allowed(member, 'global_project')).toBe(false);
    expect(() => enforce(member, 'services:index')).toThrow('You are not authorized to complete this operation.');
  });

  it('lets an owner, and only the owner, through an owner rule', () => {
    expect(allowed(member, 'receivers:create', 'u1')).toBe(true);
    expect(allowed(member, 'receivers:create', 'u2')).toBe(false);
    expect(allowed(member, 'receivers:notify')).toBe(false);
  });
});
