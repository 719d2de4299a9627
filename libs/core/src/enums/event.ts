/** Event levels as Senlin names them on the wire; stored as Python logging numbers like Senlin does. */
export const EVENT_LEVELS = { CRITICAL: 50, ERROR: 40, WARN: 30, INFO: 20, DEBUG: 10 } as const;
export type EventLevelName = keyof typeof EVENT_LEVELS;
export const EVENT_LEVEL_NAMES = Object.keys(EVENT_LEVELS) as EventLevelName[];
export const eventLevelName = (level: number): EventLevelName =>
  EVENT_LEVEL_NAMES.find((n) => EVENT_LEVELS[n] === level) ?? 'INFO';

export type EventObjectType = 'CLUSTER' | 'NODE';

/** The phase an action event records in its `status` column. */
export type ActionPhase = 'start' | 'end' | 'error';
