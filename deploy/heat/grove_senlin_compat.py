"""A Heat plug-in that mends OS::Senlin::* on Heat 19 with openstacksdk 0.101 (Debian 12).

That pairing cannot create an OS::Senlin::Node or resize an OS::Senlin::Cluster on a stack update,
whatever clustering service answers (Senlin or Grove):

- Node.handle_create takes the action id from the Location header as `node.location`, but this
  SDK's `location` is the resource's computed cloud location (a dict), so `.split` fails;
- Cluster.handle_update calls `cluster_resize`, which this SDK names `resize_cluster`;
- a cluster or node update (new profile, name, metadata) takes the action from the answer as a
  dict's `action`, but this SDK answers with the updated resource (a dict too, without it).

Put this file in a directory named by heat.conf's `plugin_dirs` and restart heat-engine. It only
adds what is missing: with an SDK that already has both, it changes nothing.
"""
import functools

from openstack import resource
from openstack.clustering.v1 import _proxy
from openstack.clustering.v1 import cluster
from openstack.clustering.v1 import node

if not hasattr(_proxy.Proxy, 'cluster_resize'):
    _proxy.Proxy.cluster_resize = _proxy.Proxy.resize_cluster

for kind in (node.Node, cluster.Cluster):
    if not isinstance(kind.__dict__.get('location'), resource.Header):
        # The answer's Location header (/v1/actions/<id>), as Heat reads it; the computed cloud
        # location would overwrite it after every answer, so these keep none.
        kind.location = resource.Header('location')
        kind._update_location = lambda self: None


def _answering_action(update):
    """An update that answers {'action': id}, as Heat's execute_actions reads it."""

    @functools.wraps(update)
    def wrapped(self, *args, **kwargs):
        updated = update(self, *args, **kwargs)
        where = getattr(updated, 'location', None)
        if isinstance(where, str) and '/actions/' in where:
            return {'action': where.rstrip('/').rsplit('/', 1)[-1]}
        return updated

    return wrapped


if not getattr(_proxy.Proxy.update_cluster, '_grove', False):
    for name in ('update_cluster', 'update_node'):
        patched = _answering_action(getattr(_proxy.Proxy, name))
        patched._grove = True
        setattr(_proxy.Proxy, name, patched)


def resource_mapping():
    return {}
