/**
 * Which project owns a resource, as OpenStack bodies say it (`project_id`, or the older
 * `tenant_id`; Glance says `owner`).
 */
export const ownerOf = (raw: object): string | undefined => {
  const r = raw as { project_id?: unknown; tenant_id?: unknown; owner?: unknown };
  const v = r.project_id ?? r.tenant_id ?? r.owner;
  return typeof v === 'string' ? v : undefined;
};

/** Whether `project` owns the resource. */
export const ownedBy = (raw: object, project: string): boolean => ownerOf(raw) === project;
