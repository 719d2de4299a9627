import { renderSchema, SpecError } from '@grove/core';
import { ProfileRegistry } from '../registry';
import { HEAT_STACK_PROPERTIES } from './heat-stack.properties';

const registry = new ProfileRegistry();
const spec = (properties: Record<string, unknown>) => ({ type: 'os.heat.stack', version: '1.0', properties });
const TEMPLATE = { heat_template_version: '2016-04-08', resources: {} };

const reason = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof SpecError) return e.reason;
    throw e;
  }
  throw new Error('expected a SpecError');
};

describe('os.heat.stack-1.0 properties', () => {
  it("fills in Senlin's defaults", () => {
    expect(registry.validate(spec({ template: TEMPLATE })).properties).toEqual({
      context: {},
      template: TEMPLATE,
      template_url: '',
      parameters: {},
      files: {},
      disable_rollback: true,
      environment: {},
    });
  });

  it('accepts a template_url instead of a template', () => {
    const { properties } = registry.validate(spec({ template_url: 'http://x/t.yaml', timeout: '5' }));
    expect(properties).toMatchObject({ template: {}, template_url: 'http://x/t.yaml', timeout: 5 });
  });

  it('refuses a spec with neither template nor template_url', () => {
    expect(reason(() => registry.validate(spec({ parameters: { a: 1 } })))).toBe(
      'Both template and template_url are not specified.',
    );
    expect(reason(() => registry.validate(spec({ template: {}, template_url: '' })))).toBe(
      'Both template and template_url are not specified.',
    );
  });

  it('refuses a spec with both template and template_url', () => {
    expect(reason(() => registry.validate(spec({ template: TEMPLATE, template_url: 'http://x' })))).toBe(
      "Only one of 'template' and 'template_url' may be specified.",
    );
  });

  it("reports bad items in Senlin's words", () => {
    expect(reason(() => registry.validate(spec({ template: TEMPLATE, timeout: 'soon' })))).toBe(
      "The value 'soon' is not a valid Integer (spec item 'timeout')",
    );
    expect(reason(() => registry.validate(spec({ template: TEMPLATE, disable_rollback: 'maybe' })))).toBe(
      "The value 'maybe' is not a valid Boolean (spec item 'disable_rollback')",
    );
    expect(reason(() => registry.validate(spec({ template: 'x: [' })))).toBe(
      "'x: [' is not a Map (spec item 'template')",
    );
    expect(reason(() => registry.validate(spec({ template: TEMPLATE, stack_name: 'x' })))).toBe(
      "Unrecognizable spec item 'stack_name'",
    );
    expect(reason(() => registry.validate(spec({ template: TEMPLATE, context: { user: 'x' } })))).toBe(
      "Some keys in 'context' are invalid: ['user']",
    );
  });

  it('shows every property but context as updatable, as Senlin does', () => {
    const shown = renderSchema(HEAT_STACK_PROPERTIES) as Record<string, { updatable: boolean; type: string }>;
    expect(
      Object.entries(shown)
        .filter(([, s]) => !s.updatable)
        .map(([k]) => k),
    ).toEqual(['context']);
    expect(shown.timeout.type).toBe('Integer');
    expect(shown.template_url.type).toBe('String');
  });
});
