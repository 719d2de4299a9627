#!/usr/bin/python3
"""Drive Grove with the real openstacksdk, using only conn.clustering calls.

A profile, a cluster of three, scale out, resize, scale in, the nodes, events and actions,
then delete. No Keystone: the SDK's `none` auth plugin points it at Grove directly, and
keystoneauth's version discovery reads Grove's version documents. Exits non-zero on the
first step that does not behave as it does against Senlin.
"""
import os
import sys
import time
import uuid

import openstack

FINAL = ('SUCCEEDED', 'FAILED', 'CANCELLED')


def connect():
    return openstack.connect(
        auth_type='none',
        auth={'endpoint': os.environ['GROVE_URL']},
        clustering_api_version='1',
    )


def wait_action(c, action_id, timeout=180):
    deadline = time.time() + timeout
    while True:
        action = c.get_action(action_id)
        if action.status in FINAL:
            if action.status != 'SUCCEEDED':
                sys.exit(f'action {action.action} {action_id} ended {action.status}: {action.status_reason}')
            return action
        if time.time() > deadline:
            sys.exit(f'action {action_id} still {action.status} after {timeout} s')
        time.sleep(0.5)


def action_id(result):
    # Cluster actions answer {"action": id}; the SDK hands back that dict.
    return result['action'] if isinstance(result, dict) else result.id


def expect(cond, what):
    if not cond:
        sys.exit(f'FAILED: {what}')
    print(f'ok: {what}')


def main():
    conn = connect()
    c = conn.clustering
    tag = uuid.uuid4().hex[:6]

    info = c.get_build_info()
    expect(info is not None, 'build info is readable')

    types = [t.name for t in c.profile_types()]
    expect('os.nova.server-1.0' in types, 'profile types list os.nova.server-1.0')

    profile = c.create_profile(
        name=f'sdk-web-{tag}',
        spec={
            'type': 'os.nova.server',
            'version': '1.0',
            'properties': {
                'flavor': 'm1.tiny',
                'image': 'cirros-0.6.2-x86_64-disk',
                'networks': [{'network': 'private'}],
                'metadata': {'team': 'sdk'},
            },
        },
    )
    expect(profile.id and c.get_profile(profile.name).id == profile.id, 'profile created and found by name')

    cluster = c.create_cluster(name=f'sdk-c-{tag}', profile_id=profile.id, desired_capacity=3, min_size=1, max_size=10)
    cluster = c.wait_for_status(cluster, 'ACTIVE', failures=['ERROR'], interval=1, wait=180)
    expect(len(cluster.node_ids) == 3, 'cluster of 3 became ACTIVE')

    wait_action(c, action_id(c.scale_out_cluster(cluster, 2)))
    expect(len(c.get_cluster(cluster.id).node_ids) == 5, 'scale out by 2 gave 5 nodes')

    wait_action(c, action_id(c.resize_cluster(cluster, adjustment_type='EXACT_CAPACITY', number=4)))
    cluster = c.get_cluster(cluster.id)
    expect(cluster.desired_capacity == 4 and len(cluster.node_ids) == 4, 'resize to exactly 4')

    wait_action(c, action_id(c.scale_in_cluster(cluster, 1)))
    cluster = c.get_cluster(cluster.id)
    expect(cluster.desired_capacity == 3 and len(cluster.node_ids) == 3, 'scale in by 1 gave 3 nodes')
    expect(cluster.status == 'ACTIVE', 'cluster is ACTIVE after scaling')

    nodes = list(c.nodes(cluster_id=cluster.id))
    expect(len(nodes) == 3 and all(n.status == 'ACTIVE' and n.physical_id for n in nodes), 'three ACTIVE nodes with servers')
    node = c.get_node(nodes[0].id, details=True)
    expect(node.details.get('status') == 'ACTIVE', 'node details come from Nova')

    events = list(c.events(cluster_id=cluster.id))
    expect(any(e.action == 'CLUSTER_SCALE_OUT' for e in events), 'events record the scale out')

    kinds = {a.action for a in c.actions()}
    expect({'CLUSTER_CREATE', 'CLUSTER_SCALE_OUT', 'CLUSTER_RESIZE', 'CLUSTER_SCALE_IN', 'NODE_CREATE'} <= kinds, 'actions list every kind run')

    c.delete_cluster(cluster)
    c.wait_for_delete(cluster, interval=1, wait=180)
    expect(c.find_cluster(cluster.id) is None, 'cluster deleted')
    c.delete_profile(profile)
    expect(c.find_profile(profile.id) is None, 'profile deleted')
    print('openstacksdk lifecycle: all steps behaved')


if __name__ == '__main__':
    main()
