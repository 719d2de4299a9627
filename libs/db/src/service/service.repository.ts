import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { sql, toEntities } from '../rows';
import { ServiceEntity, type ServiceBinary } from './service.entity';

@Injectable()
export class ServiceRepository {
  constructor(private readonly ds: DataSource) {}

  /** Writes the process's row; the database's clock stamps it, as it stamps every heartbeat. */
  async register(s: Pick<ServiceEntity, 'id' | 'host' | 'binary' | 'topic'>): Promise<void> {
    await sql(
      this.ds,
      `INSERT INTO service (id, host, "binary", topic, disabled, disabled_reason, created_at, updated_at, fresh_since)
       VALUES ($1, $2, $3, $4, false, NULL, now(), now(), now())`,
      [s.id, s.host, s.binary, s.topic],
    );
  }

  /**
   * Writes the heartbeat; false when the row is gone (another process took this one for dead). A
   * beat later than `leaseS` after the previous one starts the row's gap-free time (`fresh_since`) again.
   */
  async heartbeat(id: string, leaseS: number): Promise<boolean> {
    const { count } = await sql(
      this.ds,
      `UPDATE service SET updated_at = now(),
         fresh_since = CASE WHEN updated_at < now() - make_interval(secs => $2) THEN now() ELSE fresh_since END
       WHERE id = $1`,
      [id, leaseS],
    );
    return count === 1;
  }

  async deregister(id: string): Promise<void> {
    await this.ds.manager.delete(ServiceEntity, { id });
  }

  async list(): Promise<ServiceEntity[]> {
    return this.ds.manager.find(ServiceEntity, { order: { binary: 'ASC', host: 'ASC', createdAt: 'ASC' } });
  }

  /** Live services of a kind (heartbeat younger than `deadAfterS`), for the engine-count metric. */
  async countLive(binary: ServiceBinary, deadAfterS: number): Promise<number> {
    const { rows } = await sql<{ n: string }>(
      this.ds,
      `SELECT count(*) AS n FROM service WHERE "binary" = $1 AND updated_at > now() - make_interval(secs => $2)`,
      [binary, deadAfterS],
    );
    return Number(rows[0].n);
  }

  /**
   * Removes the rows of services whose heartbeat stopped, and returns them. Several processes may
   * call this at once: each dead row is returned to exactly one of them.
   */
  async reapDead(deadAfterS: number, em: EntityManager = this.ds.manager): Promise<ServiceEntity[]> {
    const { rows } = await sql(
      em,
      'DELETE FROM service WHERE updated_at < now() - make_interval(secs => $1) RETURNING *',
      [deadAfterS],
    );
    return toEntities(this.ds, ServiceEntity, rows);
  }
}
