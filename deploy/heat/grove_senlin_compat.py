"""A Heat plug-in that mends OS::Senlin::* on Heat 19 with openstacksdk 0.101 (Debian 12).

That pairing cannot create an OS::Senlin::Node or resize an OS::Senlin::Cluster on a stack update,
whatever clustering service answers (Senlin or Grove):

- Node.handle_create takes the action id from the Location header as `node.location`, but this
  SDK's `location` is the resource's computed cloud location (a dict), so `.split` fails;
- Cluster.handle_update calls `cluster_resize`, which this SDK names `resize_cluster`.

Put this file in a directory named by heat.conf's `plugin_dirs` and restart heat-engine. It only
adds what is missing: with an SDK that already has both, it changes nothing.
"""
from openstack import resource
from openstack.clustering.v1 import _proxy
from openstack.clustering.v1 import node

if not hasattr(_proxy.Proxy, 'cluster_resize'):
    _proxy.Proxy.cluster_resize = _proxy.Proxy.resize_cluster

if not isinstance(node.Node.__dict__.get('location'), resource.Header):
    # The answer's Location header (/v1/actions/<id>), as Heat reads it; the computed cloud
    # location would overwrite it after every answer, so a node keeps none.
    node.Node.location = resource.Header('location')
    node.Node._update_location = lambda self: None


def resource_mapping():
    return {}
