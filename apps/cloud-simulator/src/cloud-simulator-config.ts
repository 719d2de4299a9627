import { Expose } from 'class-transformer';
import { IsOptional, IsString, MinLength } from 'class-validator';
import { EmptyAsUnset, SimulatorConfig } from '@grove/core';

/**
 * The simulator process's settings: the shared ones, plus notifications, which only this process
 * publishes (all-in-one mode starts a simulator without them).
 */
export class CloudSimulatorConfig extends SimulatorConfig {
  /** A RabbitMQ URL to publish Nova's and Heat's notifications to; unset = none are published. */
  @Expose()
  @EmptyAsUnset()
  @IsOptional()
  @IsString()
  SIMULATOR_NOTIFICATIONS_AMQP_URL?: string;

  /** Nova's control exchange (oslo.messaging's `control_exchange` in nova.conf). */
  @Expose()
  @IsString()
  @MinLength(1)
  SIMULATOR_NOTIFICATIONS_NOVA_EXCHANGE = 'nova';

  /** Heat's control exchange. */
  @Expose()
  @IsString()
  @MinLength(1)
  SIMULATOR_NOTIFICATIONS_HEAT_EXCHANGE = 'heat';
}
