#!/usr/bin/python3
"""An autoscaling web tier built with the real openstacksdk (conn.clustering) against Grove.

Scaling policies (out by two, in by two), a deletion policy (OLDEST_FIRST) and a load-balancing
policy on a cluster of two; a webhook receiver per direction, each hit with plain
`curl -X POST <alarm_url>`; the victims of the scale-in and the load balancer's members checked in
the simulated cloud (its admin API at SIM_URL); then everything detached and deleted. The SDK sends
no microversion header, so this is Senlin's API at 1.0. Exits non-zero on the first step that
does not behave as it does against Senlin.
"""
import json
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid

import openstack

FINAL = ('SUCCEEDED', 'FAILED', 'CANCELLED')
TAG = uuid.uuid4().hex[:6]
SUBNET = 'private-subnet'


def expect(cond, what):
    if not cond:
        sys.exit(f'FAILED: {what}')
    print(f'ok: {what}')


def connect():
    return openstack.connect(
        auth_type='none',
        auth={'endpoint': os.environ['GROVE_URL']},
        clustering_api_version='1',
    )


def wait_action(c, action_id, timeout=60):
    """Polls the action until it ends; anything but SUCCEEDED ends the script."""
    deadline = time.time() + timeout
    while True:
        action = c.get_action(action_id)
        if action.status in FINAL:
            if action.status != 'SUCCEEDED':
                sys.exit(f'action {action.action} {action_id} ended {action.status}: {action.status_reason}')
            return action
        if time.time() > deadline:
            sys.exit(f'action {action_id} still {action.status} after {timeout} s')
        time.sleep(0.1)


def action_data(c, action_id):
    # The SDK's Action has no `data` field; the policies' decisions are in the raw answer.
    return c.get(f'/actions/{action_id}').json()['action']['data']


def simulator(kind, **query):
    """What the simulated cloud holds, from its admin listing."""
    url = f"{os.environ['SIM_URL']}/admin/resources?{urllib.parse.urlencode({'type': kind, **query})}"
    with urllib.request.urlopen(url) as res:
        return json.load(res).get(kind, [])


def curl_post(url):
    """`curl -X POST <url>`, no token and no body, as an alarm sends it: (status, action id)."""
    out = subprocess.run(['curl', '-sS', '-i', '-X', 'POST', url], capture_output=True, text=True, check=True).stdout
    head, _, body = out.replace('\r\n', '\n').partition('\n\n')
    status = int(head.split()[1])
    location = next((line.split(':', 1)[1].strip() for line in head.split('\n') if line.lower().startswith('location:')), '')
    expect(status == 202 and json.loads(body)['action'] == location.rsplit('/', 1)[-1], f'POST {url} answered 202 with its action')
    return location.rsplit('/', 1)[-1]


def create_cluster(c):
    profile = c.create_profile(
        name=f'sdk-as-{TAG}',
        spec={
            'type': 'os.nova.server',
            'version': '1.0',
            'properties': {'flavor': 'm1.tiny', 'image': 'cirros-0.6.2-x86_64-disk', 'networks': [{'network': 'private'}]},
        },
    )
    cluster = c.create_cluster(name=f'sdk-as-{TAG}', profile_id=profile.id, desired_capacity=2, min_size=1, max_size=10)
    cluster = c.wait_for_status(cluster, 'ACTIVE', failures=['ERROR'], interval=0.2, wait=60)
    expect(len(cluster.node_ids) == 2, 'a cluster of two is ACTIVE')
    return profile, cluster


def create_and_attach_policies(c, cluster):
    def scaling(event):
        return {'event': event, 'adjustment': {'type': 'CHANGE_IN_CAPACITY', 'number': 2, 'cooldown': 0}}

    specs = {
        'scale-out': ('senlin.policy.scaling', scaling('CLUSTER_SCALE_OUT')),
        'scale-in': ('senlin.policy.scaling', scaling('CLUSTER_SCALE_IN')),
        'deletion': ('senlin.policy.deletion', {'criteria': 'OLDEST_FIRST'}),
        'lb': ('senlin.policy.loadbalance', {
            'pool': {'protocol': 'HTTP', 'protocol_port': 80, 'subnet': SUBNET},
            'vip': {'subnet': SUBNET, 'protocol': 'HTTP', 'protocol_port': 80},
        }),
    }
    policies = {}
    for name, (kind, props) in specs.items():
        policies[name] = c.create_policy(
            name=f'sdk-{name}-{TAG}', spec={'type': kind, 'version': '1.1' if name == 'lb' else '1.0', 'properties': props})
        # One at a time: an attach while another action changes the cluster is a 409, as in Senlin.
        wait_action(c, c.attach_policy_to_cluster(cluster, policies[name].id)['action'])
    bound = {b.policy_name: b.is_enabled for b in c.cluster_policies(cluster)}
    expect(bound == {p.name: True for p in policies.values()}, 'four policies attached and enabled')
    return policies


def load_balancer(c, cluster, lb_policy):
    data = c.get_cluster_policy(lb_policy.id, cluster.id).data['LoadBalancingPolicy']['data']
    expect(any(lb['id'] == data['loadbalancer'] for lb in simulator('loadbalancers')), 'the load balancer exists in the cloud')
    return data


def check_members(cluster, pool, count):
    members = sorted(m['address'] for m in simulator('members', pool_id=pool))
    servers = simulator('servers', **{'metadata.cluster_id': cluster.id})
    addresses = sorted(next(iter(s['addresses'].values()))[0] for s in servers)
    expect(len(members) == count and members == addresses, f"the pool's {count} members are the servers' fixed addresses")


def create_receivers(c, cluster):
    urls = {}
    for action in ('CLUSTER_SCALE_OUT', 'CLUSTER_SCALE_IN'):
        receiver = c.create_receiver(name=f'sdk-{action.lower()}-{TAG}', cluster_id=cluster.id, type='webhook', action=action)
        urls[action] = receiver.channel['alarm_url']
        expect(urls[action].endswith(f'/v1/webhooks/{receiver.id}/trigger?V=2'), f'{action} receiver has its alarm_url')
    return urls


def scale_out(c, cluster, url):
    before = set(c.get_cluster(cluster.id).node_ids)
    action_id = curl_post(url)
    wait_action(c, action_id)
    expect(action_data(c, action_id)['creation']['count'] == 2, 'the scaling policy decided to add two')
    after = c.get_cluster(cluster.id)
    expect(after.desired_capacity == 4 and len(after.node_ids) == 4, 'the cluster grew to four')
    return set(after.node_ids) - before


def scale_in(c, cluster, url, oldest, added):
    action_id = curl_post(url)
    wait_action(c, action_id)
    deletion = action_data(c, action_id)['deletion']
    expect(deletion['count'] == 2 and set(deletion['candidates']) == oldest, 'the deletion policy picked the two oldest')
    after = c.get_cluster(cluster.id)
    expect(after.desired_capacity == 2 and set(after.node_ids) == added, 'the two newest nodes remain')
    expect(all(n.status == 'ACTIVE' for n in c.nodes(cluster_id=cluster.id)), 'the remaining nodes are ACTIVE')


def detach_all(c, cluster, policies, lb):
    for policy in policies.values():
        wait_action(c, c.detach_policy_from_cluster(cluster, policy.id)['action'])
    expect(list(c.cluster_policies(cluster)) == [], 'no policy is attached any more')
    expect(all(x['id'] != lb['loadbalancer'] for x in simulator('loadbalancers')), 'the load balancer is gone')
    expect(simulator('members', pool_id=lb['pool']) == [], 'its members are gone')


def delete_all(c, profile, cluster, policies):
    for r in c.receivers(cluster_id=cluster.id):
        c.delete_receiver(r, ignore_missing=False)
    c.delete_cluster(cluster)
    c.wait_for_delete(cluster, interval=0.2, wait=60)
    for policy in policies.values():
        c.delete_policy(policy, ignore_missing=False)
    c.delete_profile(profile, ignore_missing=False)
    expect(c.find_cluster(cluster.id) is None and c.find_profile(profile.id) is None, 'cluster and profile deleted')
    expect(all(c.find_policy(p.id) is None for p in policies.values()), 'policies deleted')
    expect(simulator('servers', **{'metadata.cluster_id': cluster.id}) == [], 'no server of the cluster is left')


def main():
    c = connect().clustering
    profile, cluster = create_cluster(c)
    oldest = set(cluster.node_ids)
    policies = create_and_attach_policies(c, cluster)
    lb = load_balancer(c, cluster, policies['lb'])
    check_members(cluster, lb['pool'], 2)
    urls = create_receivers(c, cluster)
    added = scale_out(c, cluster, urls['CLUSTER_SCALE_OUT'])
    check_members(cluster, lb['pool'], 4)
    scale_in(c, cluster, urls['CLUSTER_SCALE_IN'], oldest, added)
    check_members(cluster, lb['pool'], 2)
    detach_all(c, cluster, policies, lb)
    delete_all(c, profile, cluster, policies)
    print('openstacksdk autoscaling: all steps behaved')


if __name__ == '__main__':
    main()
