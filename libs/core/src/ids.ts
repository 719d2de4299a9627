import { randomUUID } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const newId = (): string => randomUUID();
export const isUuid = (s: string): boolean => UUID.test(s);
/** The first 8 characters of an id, as Senlin uses in generated names (`cluster_create_1a2b3c4d`). */
export const shortId = (id: string): string => id.slice(0, 8);
