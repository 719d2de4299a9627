#!/usr/bin/python3
"""Adopt an existing Nova server as a Grove node with the real openstacksdk (conn.clustering).

The server is made beforehand, straight in the simulated cloud; its id comes in SERVER_ID.
Adoption exists from microversion 1.7, so the SDK is told to speak 1.7 (it sends no
microversion by default). Exits non-zero on the first step that does not behave as against Senlin.
"""
import os
import sys
import time
import uuid

import openstack
from openstack import exceptions


def connect():
    return openstack.connect(
        auth_type='none',
        auth={'endpoint': os.environ['GROVE_URL']},
        clustering_api_version='1.7',
    )


def expect(cond, what):
    if not cond:
        sys.exit(f'FAILED: {what}')
    print(f'ok: {what}')


def main():
    c = connect().clustering
    server_id = os.environ['SERVER_ID']
    name = f'sdk-adopted-{uuid.uuid4().hex[:6]}'

    # preview=True returns the raw JSON; the SDK sends null overrides and snapshot.
    shown = c.adopt_node(preview=True, type='os.nova.server-1.0', identity=server_id)
    spec = shown['node_profile']['node_preview']
    expect(spec['type'] == 'os.nova.server' and spec['version'] == '1.0', 'preview names the profile type')
    props = spec['properties']
    expect(props['name'] == 'sdk-legacy' and props['networks'] == [{'network': 'private'}], 'preview describes the server')
    expect(props['metadata'] == {'team': 'sdk'}, 'preview keeps the server metadata')

    # A preview's answer is handed back as it came, errors included: the SDK does not raise.
    fault = c.adopt_node(preview=True, type='os.nova.server-1.0', identity='no-such-server')
    expect(fault.get('code') == 400 and fault['error']['type'] == 'ProfileOperationFailed', 'a missing server previews as a 400 fault')
    try:
        c.adopt_node(type='os.nova.server-1.0', identity='no-such-server')
        sys.exit('FAILED: adopting a server that does not exist was accepted')
    except exceptions.BadRequestException:
        expect(True, 'adopting a missing server raises BadRequestException')

    node = c.adopt_node(type='os.nova.server-1.0', identity=server_id, name=name, metadata={'by': 'sdk'})
    expect(node.id and node.status == 'ACTIVE' and node.physical_id == server_id, 'adopt gives an ACTIVE node of the server')
    expect(node.name == name and node.metadata == {'by': 'sdk'} and node.cluster_id == '', 'the node is an orphan of the given name')
    profile = c.get_profile(node.profile_id)
    expect(profile.name == f'prof-{name}' and profile.spec == spec, 'its profile prof-<name> holds the previewed spec')
    expect(c.get_node(name).physical_id == server_id, 'the node is found by name')

    c.delete_node(node)
    deadline = time.time() + 120
    while c.find_node(node.id) is not None:
        if time.time() > deadline:
            sys.exit('FAILED: the adopted node was not deleted')
        time.sleep(0.5)
    expect(True, 'the adopted node is deleted')
    c.delete_profile(profile)
    print('openstacksdk adopt: all steps behaved')


if __name__ == '__main__':
    main()
