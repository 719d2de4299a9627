import { parseTemplate, resolveParameters } from './hot-template';

const t = (parameters: Record<string, unknown>) =>
  parseTemplate({ heat_template_version: 'queens', parameters, resources: {} });

describe('HOT templates', () => {
  it('takes JSON text as well as a map', () => {
    expect(parseTemplate('{"heat_template_version": "2016-10-14"}').version).toBe('2016-10-14');
    expect(() => parseTemplate('heat_template_version: 2016-10-14')).toThrow(/not YAML text/);
  });

  it('refuses unknown versions and sections with Heat’s messages', () => {
    expect(() => parseTemplate({ heat_template_version: '2099-01-01' })).toThrow(
      /^The template version is invalid: "heat_template_version: 2099-01-01"/,
    );
    expect(() => parseTemplate({ heat_template_version: 'queens', resource: {} })).toThrow(
      'The template section is invalid: resource',
    );
    expect(() =>
      parseTemplate({ heat_template_version: 'queens', resources: { a: { type: 'X', propertys: {} } } }),
    ).toThrow('"propertys" is not a valid keyword inside a resource definition');
    expect(() =>
      parseTemplate({ heat_template_version: 'queens', outputs: { o: { description: 'no value' } } }),
    ).toThrow(/must contain a value key/);
  });
});

describe('parameters', () => {
  it('converts values to their declared types, defaults filling the gaps', () => {
    const template = t({
      s: { type: 'string', default: 'x' },
      n: { type: 'number' },
      b: { type: 'boolean', default: 'yes' },
      l: { type: 'comma_delimited_list', default: 'a, b' },
      j: { type: 'json' },
    });
    expect(resolveParameters(template, { n: '2.5', j: '{"k": [1]}' })).toEqual({
      s: 'x',
      n: 2.5,
      b: true,
      l: ['a', 'b'],
      j: { k: [1] },
    });
  });

  it('takes parameter_defaults over template defaults, and given values over both', () => {
    const template = t({ s: { type: 'string', default: 'template' } });
    expect(resolveParameters(template, {}, { s: 'environment' })).toEqual({ s: 'environment' });
    expect(resolveParameters(template, { s: 'given' }, { s: 'environment' })).toEqual({ s: 'given' });
  });

  it('checks constraints', () => {
    const template = t({
      size: { type: 'string', constraints: [{ allowed_values: ['s', 'm'] }] },
      name: {
        type: 'string',
        default: 'ok',
        constraints: [{ length: { min: 2, max: 3 } }, { allowed_pattern: '[a-z]+' }],
      },
    });
    expect(() => resolveParameters(template, { size: 'xl' })).toThrow(
      `Parameter 'size' is invalid: "xl" is not an allowed value [s, m]`,
    );
    expect(() => resolveParameters(template, { size: 's', name: 'abcd' })).toThrow(
      "Parameter 'name' is invalid: The length (4) is out of range (min: 2, max: 3).",
    );
    expect(() => resolveParameters(template, { size: 's', name: 'A1' })).toThrow(
      `Parameter 'name' is invalid: "A1" does not match pattern "[a-z]+"`,
    );
  });

  it('names the missing, the unknown and the badly typed', () => {
    const template = t({ n: { type: 'number' } });
    expect(() => resolveParameters(template, {})).toThrow('The Parameter (n) was not provided.');
    expect(() => resolveParameters(template, { n: 1, extra: 2 })).toThrow(
      'The Parameter (extra) was not defined in template.',
    );
    expect(() => resolveParameters(template, { n: 'many' })).toThrow(
      "Parameter 'n' is invalid: Value must be a number: could not convert string to float: 'many'",
    );
    expect(resolveParameters(template, { n: 1, simulated_wait_time: 5 })).toEqual({ n: 1 });
  });
});
