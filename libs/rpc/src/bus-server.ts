import { type CustomTransportStrategy, Server, BaseRpcContext } from '@nestjs/microservices';
import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { isObservable, lastValueFrom, type Observable, throwError } from 'rxjs';
import type { BusBackend, BusPacket, ServeOptions } from './bus-backend';
import type { BusRole } from './contracts/routes';

/**
 * A Nest microservice transport over a BusBackend: `@EventPattern` and `@MessagePattern`
 * handlers of the role's controllers receive what the backend delivers.
 */
export class BusServer extends Server implements CustomTransportStrategy {
  constructor(
    private readonly backend: BusBackend,
    private readonly role: BusRole,
    private readonly opts: ServeOptions,
  ) {
    super();
  }

  async listen(callback: (...args: unknown[]) => void): Promise<void> {
    try {
      await this.backend.serve(
        this.role,
        {
          event: async (pattern, data) => {
            await this.dispatch(pattern, data);
          },
          rpc: (pattern, data) => this.dispatch(pattern, data),
        },
        this.opts,
      );
      callback();
    } catch (e) {
      callback(e);
    }
  }

  private async dispatch(pattern: string, data: unknown): Promise<unknown> {
    const handler = this.getHandlerByPattern(pattern);
    if (!handler) throw new Error(`No handler for '${pattern}'`);
    const packet = data as BusPacket['data'];
    const out: unknown = await handler(packet, new BaseRpcContext([pattern]));
    return isObservable(out) ? lastValueFrom(out) : out;
  }

  /** Stops consuming; the backend itself is shared with the client side and closed by its owner. */
  async close(): Promise<void> {
    await this.backend.stopServing();
  }

  on(): void {
    // Connection events are reported by the backend itself.
  }

  unwrap<T>(): T {
    return this.backend as T;
  }
}

/**
 * Nest's default RPC exception handler replaces every error with a generic one. Put on the
 * controllers a BusServer serves, this filter hands the original error back to the bus instead,
 * which carries a GroveError across as its class, status and message (rpc-error.ts).
 */
@Catch()
export class BusErrors implements RpcExceptionFilter {
  catch(e: unknown): Observable<never> {
    return throwError(() => e);
  }
}
