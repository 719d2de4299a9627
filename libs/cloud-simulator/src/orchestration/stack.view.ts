import type { RegionApi } from '../http/api-context';
import { isoSeconds } from '../http/times';
import type { Stack } from '../store/resources';
import type { StackScope } from './resource-types';
import { resolveOutputs } from './stack-lifecycle';

export const stackUrl = (api: Pick<RegionApi, 'baseUrl' | 'region'>, stack: Pick<Stack, 'projectId' | 'name' | 'id'>) =>
  `${api.baseUrl}/${api.region.name}/orchestration/v1/${stack.projectId}/stacks/${encodeURIComponent(stack.name)}/${stack.id}`;

/** Heat shows parameters as strings (its `parameters.map(str)`). */
function parameterString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (Array.isArray(v)) return v.map(String).join(',');
  if (typeof v === 'object' && v !== null) return JSON.stringify(v);
  return String(v);
}

/** The template's description, or Heat's placeholder for a template without one. */
export const stackDescription = (stack: Pick<Stack, 'template'>): string =>
  typeof stack.template.description === 'string' ? stack.template.description : 'No description';

/** The fields of a stack in a listing. */
export function toStackSummary(api: RegionApi, stack: Stack): Record<string, unknown> {
  return {
    id: stack.id,
    stack_name: stack.name,
    // Heat's listing leaves the description empty; the stack itself shows it.
    description: '',
    creation_time: isoSeconds(stack.created),
    updated_time: stack.updated === null ? null : isoSeconds(stack.updated),
    deletion_time: stack.deleted === null ? null : isoSeconds(stack.deleted),
    stack_status: `${stack.action}_${stack.status}`,
    stack_status_reason: stack.statusReason,
    stack_owner: stack.userName,
    parent: null,
    stack_user_project_id: stack.projectId,
    tags: stack.tags.length ? [...stack.tags] : null,
    links: [{ href: stackUrl(api, stack), rel: 'self' }],
  };
}

/** Heat's full stack body (`GET /stacks/{name}/{id}`), outputs resolved now; none once deleted. */
export function toStackView(scope: StackScope): Record<string, unknown> {
  const { stack } = scope;
  const parameters: Record<string, string> = {
    'OS::project_id': stack.projectId,
    'OS::stack_id': stack.id,
    'OS::stack_name': stack.name,
  };
  for (const [k, v] of Object.entries(stack.parameters)) parameters[k] = parameterString(v);
  if (stack.givenParameters.simulated_wait_time !== undefined)
    parameters.simulated_wait_time = parameterString(stack.givenParameters.simulated_wait_time);
  const view: Record<string, unknown> = {
    ...toStackSummary(scope.api, stack),
    description: stackDescription(stack),
    // A listing shows no tags as null, the stack itself as [].
    tags: [...stack.tags],
    parameters,
    template_description: stackDescription(stack),
    capabilities: [],
    notification_topics: [],
    disable_rollback: stack.disableRollback,
    timeout_mins: stack.timeoutMins,
  };
  if (!(stack.action === 'DELETE' && stack.status === 'COMPLETE')) view.outputs = resolveOutputs(scope);
  return view;
}
