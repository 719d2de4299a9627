/** What the cloud simulator says exists: the servers tagged with a cluster id (its admin listing). */
export async function serversOf(
  simUrl: string,
  clusterId: string,
): Promise<{ id: string; status: string; metadata: Record<string, string> }[]> {
  const res = await fetch(`${simUrl}/admin/resources?type=servers&metadata.cluster_id=${clusterId}`);
  if (res.status !== 200) throw new Error(`simulator listing answered ${res.status}`);
  const body = (await res.json()) as { servers?: { id: string; status: string; metadata: Record<string, string> }[] };
  return body.servers ?? [];
}

export async function setSimulatorConfig(simUrl: string, config: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${simUrl}/admin/config`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(config),
  });
  if (res.status >= 300) throw new Error(`simulator config answered ${res.status}: ${await res.text()}`);
}
