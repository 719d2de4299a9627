/**
 * Whether a path (no query) is a webhook trigger, `/v1/webhooks/{id}/trigger`: the one route its
 * URL alone opens, so the body rules and Keystone's token check both let it through.
 */
export const isWebhookTrigger = (path: string): boolean => /^\/v1\/webhooks\/[^/]+\/trigger\/?$/.test(path);
