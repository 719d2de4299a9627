import { Expose } from 'class-transformer';
import { IsOptional, Matches } from 'class-validator';
import { CommonConfig } from './common-config';
import { EmptyAsUnset } from './load-config';

/** The health-manager: the shared settings, and where the cloud's notifications come from. */
export class HealthConfig extends CommonConfig {
  /**
   * The RabbitMQ that Nova and Heat publish their notifications on (LIFECYCLE_EVENTS). Unset: Grove's
   * own AMQP_URL, as when the cloud and Grove share one broker; with neither, no lifecycle events.
   */
  @Expose()
  @EmptyAsUnset()
  @IsOptional()
  @Matches(/^amqps?:\/\//, { message: 'must be an amqp:// URL' })
  HEALTH_NOTIFICATIONS_AMQP_URL?: string;

  /** Nova's control exchange (its `notifications` topic is `versioned_notifications`). */
  @Expose()
  @Matches(/^[a-z0-9][a-z0-9_.-]*$/i, { message: 'must be letters, digits, dot, dash or underscore' })
  HEALTH_NOVA_EXCHANGE = 'nova';

  /** Heat's control exchange (topic `notifications`). */
  @Expose()
  @Matches(/^[a-z0-9][a-z0-9_.-]*$/i, { message: 'must be letters, digits, dot, dash or underscore' })
  HEALTH_HEAT_EXCHANGE = 'heat';
}
