import { CloudError } from '@grove/core';

/** The cloud answered that the node's resource does not exist (any more). */
export const resourceGone = (e: unknown): boolean => e instanceof CloudError && e.httpStatus === 404;
