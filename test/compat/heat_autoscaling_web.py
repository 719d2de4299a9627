#!/usr/bin/python3
"""Replay, against Grove, the openstacksdk calls Heat makes for deploy/examples/autoscaling-web.yaml.

Heat's OS::Senlin::* resources (heat/engine/resources/openstack/senlin/*.py, Heat 19) talk through
openstacksdk's conn.clustering with clustering_api_version='1' and no microversion header (1.0).
This script makes the same calls with the same arguments, resource by resource in the template's
dependency order: the custom constraints, each handle_create and its check_create_complete polling,
the outputs' get_attr, a stack update, and the stack delete. Heat runs the polls with sleeps of a
second and more; this script polls faster, which changes nothing on the wire.

Heat 19 and openstacksdk 0.101 disagree in three places, whatever the server (Senlin or Grove);
the script does what Heat means there:
- Cluster.handle_update calls `cluster_resize`, which this SDK names `resize_cluster`;
- the cluster's `nodes` attribute reads key 'nodes' of the SDK's to_dict(), which names it
  'node_ids', so it is null (the template's `nodes` output uses collect instead);
- the SDK's cluster actions return an error answer's body instead of raising, so Heat's
  Policy.remove_bindings meets a KeyError where it tests for a 400 (see action_of).
(A fourth, not replayed: Cluster.handle_update reads `ret.location` of update_cluster as a
Location header, which this SDK's resources do not carry.)
Exits non-zero on the first step that does not behave as Heat needs.
"""
import functools
import json
import os
import random
import string
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import openstack
from openstack import exceptions
import yaml

STACK = 'autoscaling-web'
POLL_S = 0.2
TIMEOUT_S = 60


def expect(cond, what):
    if not cond:
        sys.exit(f'FAILED: {what}')
    print(f'ok: {what}')


def connect():
    # SenlinClientPlugin._create: the clustering proxy of an SDK connection at version '1'.
    return openstack.connect(
        auth_type='none',
        auth={'endpoint': os.environ['GROVE_URL']},
        clustering_api_version='1',
    ).clustering


def physical_name(resource_name):
    # Resource.physical_resource_name: <stack>-<resource>-<12-character short id>.
    short = ''.join(random.choices(string.ascii_lowercase + string.digits, k=12))
    return f'{STACK}-{resource_name}-{short}'


def generate_spec(spec_type, spec_props):
    # SenlinClientPlugin.generate_spec: "os.nova.server-1.0" becomes type and version.
    spec = {'properties': spec_props}
    spec['type'], spec['version'] = spec_type.split('-')
    return spec


def poll(what, done):
    """Heat's check_*_complete loop: calls `done` until it says True."""
    deadline = time.time() + TIMEOUT_S
    while not done():
        if time.time() > deadline:
            sys.exit(f'FAILED: {what} not complete after {TIMEOUT_S} s')
        time.sleep(POLL_S)


def check_action_status(c, action_id):
    # SenlinClientPlugin.check_action_status (Cluster updates).
    action = c.get_action(action_id)
    if action.status == 'FAILED':
        sys.exit(f'FAILED: action {action.action} {action_id}: {action.status_reason}')
    return action.status == 'SUCCEEDED'


def check_action_done(c, bindings):
    # Policy.check_action_done: every binding's action SUCCEEDED; a FAILED one fails the resource.
    ret = True
    for bd in bindings:
        if bd.get('finished'):
            continue
        action = c.get_action(bd['action'])
        if action.status == 'SUCCEEDED':
            bd['finished'] = True
        elif action.status == 'FAILED':
            sys.exit(f"FAILED: {action.action} for {bd['cluster']}: {action.status_reason}")
        else:
            ret = False
    return ret


def is_bad_request(ex):
    return isinstance(ex, exceptions.HttpException) and ex.status_code == 400


def action_of(ret, what):
    """The action id of a cluster action's answer.

    openstacksdk 0.101's cluster actions hand back the JSON body whatever the status, so an error
    answer arrives as Senlin's fault body instead of an exception.
    """
    if 'action' not in ret:
        raise exceptions.HttpException(message=f"{what}: {ret.get('error', ret)}", http_status=ret.get('code'))
    return ret['action']


def add_bindings(c, policy_id, bindings):
    for bd in bindings:
        ret = c.attach_policy_to_cluster(bd['cluster'], policy_id, enabled=bd['enabled'])
        bd['action'] = action_of(ret, 'attach')
        bd['finished'] = False


def remove_bindings(c, policy_id, bindings):
    # Policy.remove_bindings: a 400 or 404 means "not attached", and the binding counts as removed.
    # (Heat 19 indexes ['action'] directly, so with openstacksdk 0.101 it gets a KeyError instead of
    # the HttpException it tests for; action_of raises what Heat expects.)
    for bd in bindings:
        try:
            bd['action'] = action_of(c.detach_policy_from_cluster(bd['cluster'], policy_id), 'detach')
            bd['finished'] = False
        except exceptions.HttpException as ex:
            if not (is_bad_request(ex) or ex.status_code == 404):
                raise
            bd['finished'] = True


def ignore_not_found(call, *args):
    try:
        call(*args)
    except exceptions.NotFoundException:
        pass


class Stack:
    """The template with its parameters' defaults: get_param and get_resource resolved as Heat does."""

    def __init__(self, path):
        with open(path) as f:
            self.template = yaml.safe_load(f)
        self.params = {k: v.get('default') for k, v in self.template['parameters'].items()}
        self.ids = {}

    def resolve(self, value):
        if isinstance(value, dict) and len(value) == 1:
            (fn, arg), = value.items()
            if fn == 'get_param':
                return self.params[arg]
            if fn == 'get_resource':
                return self.ids[arg]
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        return value

    def of_type(self, kind):
        return [name for name in self.creation_order() if self.template['resources'][name]['type'] == kind]

    def creation_order(self):
        """Each resource after those it names with get_resource or depends_on, else in template order."""
        def needs(value):
            if isinstance(value, dict):
                return [value['get_resource']] if 'get_resource' in value else [n for v in value.values() for n in needs(v)]
            return [n for v in value for n in needs(v)] if isinstance(value, list) else []

        order = []

        def visit(name):
            if name not in order:
                r = self.template['resources'][name]
                after = r.get('depends_on', [])
                for dep in needs(r.get('properties', {})) + (after if isinstance(after, list) else [after]):
                    visit(dep)
                order.append(name)

        for name in self.template['resources']:
            visit(name)
        return order

    def props(self, name):
        return self.resolve(self.template['resources'][name].get('properties', {}))


def validate_types(c, stack):
    # ProfileTypeConstraint / PolicyTypeConstraint: the type lists (the <1.5 format) name "<type>-<version>".
    profile_types = [pt.name for pt in c.profile_types()]
    for name in stack.of_type('OS::Senlin::Profile'):
        wanted = stack.template['resources'][name]['properties']['type']
        expect(wanted in profile_types, f'profile type {wanted} is listed as Heat compares it')
    policy_types = [pt.name for pt in c.policy_types()]
    for name in stack.of_type('OS::Senlin::Policy'):
        wanted = stack.template['resources'][name]['properties']['type']
        expect(wanted in policy_types, f'policy type {wanted} is listed as Heat compares it')


def create_profile(c, stack, name):
    # Profile.handle_create; metadata is None when the template gives none, and the SDK sends null.
    p = stack.props(name)
    profile = c.create_profile(
        name=p.get('name') or physical_name(name),
        spec=generate_spec(spec_type=p['type'], spec_props=p.get('properties')),
        metadata=p.get('metadata'),
    )
    stack.ids[name] = profile.id
    expect(c.get_profile(profile.name).id == profile.id, f'{name}: created, and found by its name')


def create_cluster(c, stack, name):
    p = stack.props(name)
    # ProfileConstraint, then the RESOLVE translation rule: get_profile(name or id).id.
    c.get_profile(p['profile'])
    profile_id = c.get_profile(p['profile']).id
    cluster = c.create_cluster(
        name=p.get('name') or physical_name(name),
        profile_id=profile_id,
        desired_capacity=p.get('desired_capacity', 0),
        min_size=p.get('min_size', 0),
        max_size=p.get('max_size', -1),
        metadata=p.get('metadata', {}),
        timeout=p.get('timeout'),
    )
    stack.ids[name] = cluster.id

    def cluster_is_active():
        # SenlinClientPlugin.cluster_is_active: ERROR fails the stack; WARNING keeps Heat waiting.
        got = c.get_cluster(cluster.id)
        if got.status == 'ERROR':
            sys.exit(f'FAILED: cluster {cluster.id} is ERROR: {got.status_reason}')
        return got.status == 'ACTIVE'

    poll(f'{name} create', cluster_is_active)
    got = c.get_cluster(cluster.id)
    expect(len(got.node_ids) == p['desired_capacity'], f"{name}: ACTIVE with {p['desired_capacity']} nodes")
    expect(c.get_cluster(got.name).id == cluster.id, f'{name}: found by its name')


def create_policy(c, stack, name):
    p = stack.props(name)
    # ClusterConstraint and the translation rule on each binding's cluster: get_cluster(x).id.
    bindings = [{'cluster': c.get_cluster(b['cluster']).id, 'enabled': b.get('enabled', True)} for b in p.get('bindings', [])]
    policy = c.create_policy(
        name=p.get('name') or physical_name(name),
        spec=generate_spec(p['type'], p.get('properties')),
    )
    stack.ids[name] = policy.id
    add_bindings(c, policy.id, bindings)
    poll(f'{name} create', lambda: check_action_done(c, bindings))
    expect(c.get_policy(policy.name).id == policy.id, f'{name}: created, attached, and found by its name')


def create_receiver(c, stack, name):
    p = stack.props(name)
    c.get_cluster(p['cluster'])  # ClusterConstraint
    # Receiver.handle_create; params is None when the template gives none, and the SDK sends null.
    receiver = c.create_receiver(
        name=p.get('name') or physical_name(name),
        cluster_id=p['cluster'],
        type=p.get('type', 'webhook'),
        action=p['action'],
        params=p.get('params'),
    )
    stack.ids[name] = receiver.id
    expect(receiver.channel and receiver.channel.get('alarm_url'), f'{name}: created with an alarm_url')


CREATE = {
    'OS::Senlin::Profile': create_profile,
    'OS::Senlin::Cluster': create_cluster,
    'OS::Senlin::Policy': create_policy,
    'OS::Senlin::Receiver': create_receiver,
}


def create_stack(c, stack):
    # In dependency order, one at a time: the template's depends_on makes Heat attach the policies
    # one after another too.
    for name in stack.creation_order():
        CREATE[stack.template['resources'][name]['type']](c, stack, name)
    bound = {b.policy_id for b in c.cluster_policies(stack.ids['web_cluster'])}
    expect(bound == {stack.ids[n] for n in stack.of_type('OS::Senlin::Policy')}, 'every policy is bound to the cluster')


def get_attr(c, stack, resource, key, *path):
    """Resource.get_attribute as each OS::Senlin resource computes it."""
    rid = stack.ids[resource]
    kind = stack.template['resources'][resource]['type']
    if kind == 'OS::Senlin::Cluster' and key == 'collect':
        # Cluster.get_attribute: GET /clusters/{id}/attrs/{path} at 1.0, the values in order.
        value = [a.attr_value for a in c.collect_cluster_attrs(rid, path[0])]
        path = path[1:]
    elif kind == 'OS::Senlin::Cluster':
        # Cluster._show_resource: the cluster as a dict, plus its bindings.
        show = c.get_cluster(rid).to_dict()
        show['policies'] = c.cluster_policies(rid)
        value = show.get(key)
    else:
        value = getattr(c, f"get_{kind.rsplit('::', 1)[1].lower()}")(rid).to_dict().get(key)
    return select_from_attribute(value, path)


def select_from_attribute(value, path):
    # heat.engine.attributes.select_from_attribute: a missing key or index gives None.
    try:
        return functools.reduce(lambda collection, key: collection[key], path, value)
    except (KeyError, IndexError, TypeError):
        return None


def outputs(c, stack):
    out = {}
    for name, o in stack.template['outputs'].items():
        v = o['value']
        if 'get_resource' in v:
            out[name] = stack.ids[v['get_resource']]
        else:
            out[name] = get_attr(c, stack, *v['get_attr'])
        expect(out[name] is not None, f'output {name} is computed: {json.dumps(out[name])}')
    return out


def simulator(kind, **query):
    url = f"{os.environ['SIM_URL']}/admin/resources?{urllib.parse.urlencode({'type': kind, **query})}"
    with urllib.request.urlopen(url) as res:
        return json.load(res).get(kind, [])


def check_outputs(c, stack, out):
    cluster = c.get_cluster(stack.ids['web_cluster'])
    expect(out['cluster_id'] == cluster.id, 'cluster_id is the cluster')
    expect(sorted(out['nodes']) == sorted(cluster.node_ids), 'nodes are its members')
    servers = simulator('servers', **{'metadata.cluster_id': cluster.id})
    expect(sorted(out['server_addresses']) == sorted(s['addresses']['private'][0] for s in servers),
           "server_addresses are the servers' fixed addresses")
    for url, receiver in (('scale_out_url', 'scale_out_receiver'), ('scale_in_url', 'scale_in_receiver')):
        expect(out[url].endswith(f"/v1/webhooks/{stack.ids[receiver]}/trigger?V=2"), f'{url} is its receiver\'s webhook')


def check_members(c, stack):
    # The LB policy's binding data names its pool; its members must be the servers' addresses.
    cluster_id = stack.ids['web_cluster']
    binding = c.get_cluster_policy(stack.ids['lb_policy'], cluster_id)
    pool = binding.data['LoadBalancingPolicy']['data']['pool']
    members = sorted(m['address'] for m in simulator('members', pool_id=pool))
    servers = sorted(s['addresses']['private'][0] for s in simulator('servers', **{'metadata.cluster_id': cluster_id}))
    expect(members == servers, f'the pool has the {len(servers)} servers as members')


def post(url, body=None):
    """curl -X POST, no token and no microversion header (with a body, as Aodh's notifier sends one): (status, JSON)."""
    data = ['-H', 'Content-Type: application/json', '-d', json.dumps(body)] if body is not None else []
    out = subprocess.run(['curl', '-sS', '-i', '-X', 'POST', *data, url], capture_output=True, text=True, check=True).stdout
    head, _, answer = out.replace('\r\n', '\n').partition('\n\n')
    return int(head.split()[1]), json.loads(answer)


def members_of(c, stack):
    return set(c.get_cluster(stack.ids['web_cluster']).node_ids)


def trigger_scale_out(c, stack, url):
    before = members_of(c, stack)
    status, answer = post(url)
    expect(status == 202, 'the scale-out URL answers 202')
    poll('the scale-out', lambda: check_action_status(c, answer['action']))
    number = stack.props('scale_out_policy')['properties']['adjustment']['number']
    after = c.get_cluster(stack.ids['web_cluster'])
    expect(len(after.node_ids) == len(before) + number and after.desired_capacity == len(before) + number,
           f"the cluster grew by the scale-out policy's {number} to {len(before) + number}")
    return set(after.node_ids) - before


def alarm_scale_in_in_cooldown(c, stack, url):
    # An Aodh alarm's notification right after the scale-out: as in Senlin, a scale-out restarts the
    # cooldown of every scaling policy, so the scale-in policy (cooldown 300 s) refuses it.
    status, answer = post(url, {
        'alarm_name': 'web-cpu-low', 'alarm_id': 'b6f2c1e4-3d5a-4c7e-9f1a-2b3c4d5e6f70', 'severity': 'low',
        'previous': 'ok', 'current': 'alarm', 'reason': 'Transition to alarm due to 3 samples inside threshold',
        'reason_data': {'type': 'threshold', 'disposition': 'inside', 'count': 3, 'most_recent': 4.2},
    })
    expect(status == 409 and answer['error']['type'] == 'ActionCooldown'
           and stack.ids['scale_in_policy'] in answer['error']['message'],
           'the scale-in alarm is refused while the scale-in policy cools down (409 ActionCooldown)')


def update_cluster_size(c, stack, min_size, max_size, desired):
    # Cluster.handle_update with min_size, max_size and desired_capacity in prop_diff: one resize,
    # EXACT_CAPACITY; Heat 19 calls it cluster_resize, openstacksdk 0.101 resize_cluster.
    cluster_id = stack.ids['web_cluster']
    c.get_cluster(cluster_id)
    params = {'min_size': min_size, 'max_size': max_size, 'adjustment_type': 'EXACT_CAPACITY', 'number': desired}
    ret = c.resize_cluster(cluster=cluster_id, **params)
    action_id = action_of(ret, 'resize')
    poll('the resize', lambda: check_action_status(c, action_id))
    after = c.get_cluster(cluster_id)
    expect((after.min_size, after.max_size, after.desired_capacity, len(after.node_ids)) == (min_size, max_size, desired, desired),
           f'resized to exactly {desired} within [{min_size}, {max_size}]')


def update_policy_binding(c, stack, name, enabled):
    # Policy.handle_update with new bindings: the old binding is detached, then the new one attached.
    cluster_id = stack.ids['web_cluster']
    old = [{'cluster': cluster_id, 'enabled': True}]
    new = [{'cluster': cluster_id, 'enabled': enabled}]
    actions = {'remove': [bd for bd in old if bd not in new], 'add': [bd for bd in new if bd not in old]}
    remove_bindings(c, stack.ids[name], actions['remove'])
    poll(f'{name} detach', lambda: check_action_done(c, actions['remove']))
    add_bindings(c, stack.ids[name], actions['add'])
    poll(f'{name} attach', lambda: check_action_done(c, actions['add']))
    binding = c.get_cluster_policy(stack.ids[name], cluster_id)
    expect(binding.is_enabled is enabled, f'{name}: bound again with enabled={enabled}')


def delete_policy(c, stack, name):
    # Policy.check_delete_complete, on every poll: remove_bindings (a detach of every binding), then
    # check_action_done, and the policy is deleted once that is true. Against Senlin the detach
    # after the first one's end is a 400, which openstacksdk 0.101 hands back as a body without
    # `action`: Heat's KeyError ends the stack DELETE_FAILED. Grove answers a repeated detach with
    # the first one's action, so the loop ends.
    cluster_id = stack.ids['web_cluster']
    bindings = [{'cluster': cluster_id, 'enabled': True}]
    sent = []

    def check_delete_complete():
        remove_bindings(c, stack.ids[name], bindings)
        sent.append(bindings[0].get('action'))
        return check_action_done(c, bindings)

    poll(f'{name} delete', check_delete_complete)
    expect(len(sent) >= 1 and len(set(sent)) == 1,
           f'{name}: every detach Heat sent was answered with the one detach action')
    ignore_not_found(c.delete_policy, stack.ids[name])
    expect(c.find_policy(stack.ids[name]) is None, f'{name}: deleted')


def delete_stack(c, stack):
    # Heat deletes in reverse dependency order: policies and receivers, then the cluster, then the profile.
    for name in reversed(stack.of_type('OS::Senlin::Policy')):
        delete_policy(c, stack, name)
    expect(simulator('loadbalancers') == [], 'the load balancer went with its policy')
    for name in stack.of_type('OS::Senlin::Receiver'):
        ignore_not_found(c.delete_receiver, stack.ids[name])
    cluster_id = stack.ids['web_cluster']
    ignore_not_found(c.delete_cluster, cluster_id)

    def cluster_gone():
        # Cluster.check_delete_complete: GET until 404.
        try:
            c.get_cluster(cluster_id)
            return False
        except exceptions.NotFoundException:
            return True

    poll('web_cluster delete', cluster_gone)
    ignore_not_found(c.delete_profile, stack.ids['web_profile'])


def check_nothing_left(c):
    expect([list(c.profiles()), list(c.clusters()), list(c.policies()), list(c.receivers())] == [[], [], [], []],
           'no profile, cluster, policy or receiver is left')
    for kind in ('servers', 'loadbalancers', 'listeners', 'pools', 'members', 'healthmonitors'):
        expect(simulator(kind) == [], f'the cloud holds no {kind}')


def main():
    c = connect()
    stack = Stack(os.environ['TEMPLATE'])
    validate_types(c, stack)
    create_stack(c, stack)
    check_members(c, stack)
    out = outputs(c, stack)
    check_outputs(c, stack, out)
    added = trigger_scale_out(c, stack, out['scale_out_url'])
    check_members(c, stack)
    alarm_scale_in_in_cooldown(c, stack, out['scale_in_url'])
    update_cluster_size(c, stack, min_size=1, max_size=6, desired=2)
    expect(members_of(c, stack) == added, 'the oldest went first (deletion policy OLDEST_FIRST): the newest two remain')
    check_members(c, stack)
    update_policy_binding(c, stack, 'deletion_policy', enabled=False)
    delete_stack(c, stack)
    check_nothing_left(c)
    print('heat replay of autoscaling-web.yaml: all steps behaved')


if __name__ == '__main__':
    main()
