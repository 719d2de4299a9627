import { renderSchema, resolveParams, resolveSpec, S, SpecError, specTypeKey } from './spec-schema';

const schema = {
  flavor: S.string('Flavor', { required: true, updatable: true }),
  count: S.integer('Count', { default: 1 }),
  auto: S.boolean('Auto', { default: true }),
  kind: S.string('Kind', { allowed: ['SOFT', 'HARD'] }),
  networks: S.list(
    'Networks',
    S.map('Network', { network: S.string('Name'), port: S.string('Port'), fixed_ip: S.string('IP') }),
  ),
  metadata: S.map('Free form'),
};

const reason = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof SpecError) return e.reason;
    throw e;
  }
  throw new Error('expected a SpecError');
};

describe('resolveSpec', () => {
  it('fills defaults and coerces scalars the way Senlin does', () => {
    expect(resolveSpec(schema, { flavor: 1, count: '3', auto: 'no', metadata: { a: 1 } })).toEqual({
      flavor: '1',
      count: 3,
      auto: false,
      metadata: { a: 1 },
    });
  });

  it('names a missing required item and an unknown item with Senlin words', () => {
    expect(reason(() => resolveSpec(schema, {}))).toBe("Required spec item 'flavor' not provided");
    expect(reason(() => resolveSpec(schema, { flavor: 'm1', bogus: 1 }))).toBe("Unrecognizable spec item 'bogus'");
  });

  it('names the path of a bad nested item', () => {
    expect(reason(() => resolveSpec(schema, { flavor: 'm1', networks: [{ network: 'a' }, { nope: 1 }] }))).toBe(
      "Unrecognizable spec item 'networks[1].nope'",
    );
    expect(reason(() => resolveSpec(schema, { flavor: 'm1', count: 'three' }))).toBe(
      "The value 'three' is not a valid Integer (spec item 'count')",
    );
    expect(reason(() => resolveSpec(schema, { flavor: 'm1', networks: 'private' }))).toBe(
      "'private' is not a List (spec item 'networks')",
    );
  });

  it('refuses what Senlin accepts only by accident', () => {
    expect(reason(() => resolveSpec(schema, { flavor: 'm1', count: 1.5 }))).toMatch(/not a valid Integer/);
    expect(reason(() => resolveSpec(schema, { flavor: { id: 1 } }))).toMatch(/not a valid string/);
  });

  it('refuses integers beyond an int, and booleans Python would not read', () => {
    expect(reason(() => resolveSpec(schema, { flavor: 'm1', count: 2147483648 }))).toBe(
      "The value '2147483648' is out of range: at most 2147483647 in magnitude (spec item 'count')",
    );
    expect(resolveSpec(schema, { flavor: 'm1', count: '2147483647' }).count).toBe(2147483647);
    expect(reason(() => resolveSpec(schema, { flavor: 'm1', auto: [1] }))).toBe(
      "The value '[1]' is not a valid Boolean (spec item 'auto')",
    );
  });

  it('checks allowed values', () => {
    expect(reason(() => resolveSpec(schema, { flavor: 'm1', kind: 'WARM' }))).toBe(
      "'WARM' must be one of the allowed values: SOFT, HARD (spec item 'kind')",
    );
  });
});

describe('renderSchema', () => {
  it("shows Senlin's keys, with list items under '*'", () => {
    const out = renderSchema({ networks: schema.networks, kind: schema.kind });
    expect(out.kind).toEqual({
      type: 'String',
      description: 'Kind',
      required: false,
      updatable: false,
      constraints: [{ type: 'AllowedValues', constraint: ['SOFT', 'HARD'] }],
    });
    expect((out.networks as { schema: Record<string, unknown> }).schema['*']).toMatchObject({ type: 'Map' });
  });
});

describe('resolveParams', () => {
  const reboot = {
    description: 'Reboot',
    parameters: { type: S.string('Type', { default: 'SOFT', allowed: ['SOFT', 'HARD'] }) },
  };
  it('gives tempest its exact message for a bad value', () => {
    expect(reason(() => resolveParams(reboot, { type: 'Unknown' }))).toBe(
      "'Unknown' must be one of the allowed values: SOFT, HARD",
    );
    expect(resolveParams(reboot, {})).toEqual({ type: 'SOFT' });
  });
});

describe('specTypeKey', () => {
  it('joins type and version', () => {
    // YAML's `version: 1.0` arrives as the number 1; Senlin reads it as "1.0".
    expect(specTypeKey({ type: 'os.nova.server', version: 1.0 }).key).toBe('os.nova.server-1.0');
    expect(specTypeKey({ type: 'senlin.policy.deletion', version: 1.1 }).key).toBe('senlin.policy.deletion-1.1');
    expect(specTypeKey({ type: 'os.nova.server', version: '1.0' }).key).toBe('os.nova.server-1.0');
    expect(reason(() => specTypeKey({ type: 'x' }))).toBe("The 'version' key is missing from the provided spec map.");
  });
});
