/** Time formats on the wire; the simulator keeps times as epoch milliseconds. */

/** `2024-05-01T12:00:00Z`: Nova, Neutron, Glance and Heat timestamps. */
export const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** `2024-05-01T12:00:00.000000Z`: Keystone's token times. */
export const isoMicros = (ms: number): string => new Date(ms).toISOString().replace(/(\.\d{3})Z$/, '$1000Z');

/** `2024-05-01T12:00:00.000000`: Nova's OS-SRV-USG times, a naive datetime. */
export const naiveMicros = (ms: number): string => new Date(ms).toISOString().replace(/(\.\d{3})Z$/, '$1000');

/** Docker's RFC 3339 with nanoseconds; its zero time for "never". */
export const dockerTime = (ms: number | null): string =>
  ms === null ? '0001-01-01T00:00:00Z' : new Date(ms).toISOString().replace(/(\.\d{3})Z$/, '$1000000Z');

/** `2024-05-01T12:00:00`: Octavia's timestamps, a naive datetime without fractions. */
export const naiveSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '');
