import type { Stack } from '@grove/drivers';
import type { ProfileNode } from '../profile-type';
import type { HeatStackProps } from './heat-stack.properties';
import { createRequest, retag, stackDetails, stackTags, updateRequest } from './stack-request';

const node: ProfileNode = {
  id: 'n1',
  name: 'web',
  clusterId: 'c1',
  index: 3,
  physicalId: null,
  metadata: {},
  data: {},
  project: 'p',
  userId: 'u',
};

const props = (p: Partial<HeatStackProps> = {}): HeatStackProps => ({
  context: {},
  template: { resources: {} },
  template_url: '',
  parameters: {},
  files: {},
  disable_rollback: true,
  environment: {},
  ...p,
});

describe('stack tags', () => {
  it('tag a member with its node, cluster and index, an orphan with its node only', () => {
    expect(stackTags(node)).toEqual(['cluster_node_id=n1', 'cluster_id=c1', 'cluster_node_index=3']);
    expect(stackTags({ ...node, clusterId: null, index: -1 })).toEqual(['cluster_node_id=n1']);
  });

  it("keep the user's tags and replace Grove's when a node joins or leaves", () => {
    const current = ['team=a', 'cluster_node_id=n1', ' cluster_id=old ', 'cluster_node_index=0', ''];
    expect(retag(current, node)).toEqual(['team=a', 'cluster_node_id=n1', 'cluster_id=c1', 'cluster_node_index=3']);
    expect(retag(current, { ...node, clusterId: null, index: -1 })).toEqual(['team=a', 'cluster_node_id=n1']);
  });
});

describe('createRequest', () => {
  it('sends the inline template, or else the URL, with the node tags', () => {
    expect(createRequest(node, props({ timeout: 7, parameters: { a: 1 } }), 'web-Abc12345')).toEqual({
      name: 'web-Abc12345',
      template: { resources: {} },
      parameters: { a: 1 },
      files: {},
      environment: {},
      disableRollback: true,
      timeoutMins: 7,
      tags: ['cluster_node_id=n1', 'cluster_id=c1', 'cluster_node_index=3'],
    });
    const byUrl = createRequest(node, props({ template: {}, template_url: 'http://t' }), 'x');
    expect(byUrl.templateUrl).toBe('http://t');
    expect(byUrl.template).toBeUndefined();
    expect(byUrl.timeoutMins).toBeUndefined();
  });
});

describe('updateRequest', () => {
  it('is empty when nothing changed, whatever the key order', () => {
    expect(updateRequest(props({ parameters: { a: 1, b: 2 } }), props({ parameters: { b: 2, a: 1 } }))).toEqual({});
  });

  it('patches only what changed and clears dropped parameters', () => {
    const cur = props({ parameters: { a: 1, b: 2 }, timeout: 5 });
    const next = props({ parameters: { a: 3 }, timeout: 10, disable_rollback: false, files: { f: 'x' } });
    expect(updateRequest(cur, next)).toEqual({
      parameters: { a: 3 },
      clearParameters: ['b'],
      timeoutMins: 10,
      disableRollback: false,
      files: { f: 'x' },
    });
  });

  it('switches the template source', () => {
    expect(updateRequest(props(), props({ template: {}, template_url: 'http://t' }))).toEqual({
      templateUrl: 'http://t',
    });
    expect(updateRequest(props({ template: {}, template_url: 'http://t' }), props({ template: { x: 1 } }))).toEqual({
      template: { x: 1 },
    });
  });
});

describe('stackDetails', () => {
  it("shows Heat's fields under the names Senlin shows", () => {
    const stack: Stack = {
      id: 's1',
      name: 'web-x',
      status: 'CREATE_COMPLETE',
      statusReason: 'done',
      outputs: { fixed_ip: '10.0.0.4' },
      tags: ['cluster_node_id=n1'],
      parameters: {},
      raw: {
        id: 's1',
        stack_name: 'web-x',
        stack_status: 'CREATE_COMPLETE',
        stack_status_reason: 'done',
        disable_rollback: true,
        outputs: [{ output_key: 'fixed_ip', output_value: '10.0.0.4' }],
        tags: 'cluster_node_id=n1',
        creation_time: '2024-01-01T00:00:00Z',
      },
    };
    expect(stackDetails(stack)).toEqual({
      id: 's1',
      name: 'web-x',
      status: 'CREATE_COMPLETE',
      status_reason: 'done',
      is_rollback_disabled: true,
      outputs: [{ output_key: 'fixed_ip', output_value: '10.0.0.4' }],
      tags: ['cluster_node_id=n1'],
      created_at: '2024-01-01T00:00:00Z',
    });
  });
});
