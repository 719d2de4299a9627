import { S, SpecError } from '@grove/core';

/** The resolved `properties` of an `os.heat.stack-1.0` spec (defaults filled in). */
export interface HeatStackProps {
  context: { region_name?: string };
  template: Record<string, unknown>;
  template_url: string;
  parameters: Record<string, unknown>;
  files: Record<string, unknown>;
  /** Minutes; unset means the action's own timeout applies. */
  timeout?: number;
  disable_rollback: boolean;
  environment: Record<string, unknown>;
}

/** Names, types, defaults and updatability follow Senlin's stack profile (the wire contract). */
export const HEAT_STACK_PROPERTIES = {
  context: S.map('Where the stacks live, e.g. {"region_name": "RegionTwo"}.', undefined, { default: {} }),
  template: S.map('The Heat template, inline. Give this or template_url.', undefined, { default: {}, updatable: true }),
  template_url: S.string('Where Heat fetches the template from. Give this or template.', {
    default: '',
    updatable: true,
  }),
  parameters: S.map('Values for the parameters the template declares.', undefined, { default: {}, updatable: true }),
  files: S.map('Contents of the files the template refers to, keyed by their names in it.', undefined, {
    default: {},
    updatable: true,
  }),
  timeout: S.integer('Minutes a stack create, update or check may take; the action timeout applies when unset.', {
    updatable: true,
  }),
  disable_rollback: S.boolean('Keep what a failed stack operation made instead of rolling it back.', {
    default: true,
    updatable: true,
  }),
  environment: S.map('The Heat environment (parameter defaults, resource registry) for the stack.', undefined, {
    default: {},
    updatable: true,
  }),
};

export const HEAT_STACK_OPERATIONS = {
  abandon: {
    description: "Make Heat forget the node's stack while keeping every resource it made.",
    parameters: {},
  },
};

/**
 * A stack comes from exactly one template source. Senlin only refuses a spec with neither (its
 * message is kept); Grove also refuses both, as Heat would silently ignore one of them.
 */
export function checkHeatStackProperties(p: Pick<HeatStackProps, 'template' | 'template_url'>): void {
  const inline = Object.keys(p.template ?? {}).length > 0;
  const url = !!p.template_url;
  if (!inline && !url) {
    throw new SpecError('template', 'Both template and template_url are not specified.');
  }
  if (inline && url) {
    throw new SpecError('template_url', "Only one of 'template' and 'template_url' may be specified.");
  }
}
