import { CommonConfig } from './common-config';

/** The health-manager needs only the shared settings for now; detection settings come with health policies. */
export class HealthConfig extends CommonConfig {}
