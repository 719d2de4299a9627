export * from './contracts';
export * from './bus-backend';
export * from './bus-server';
export * from './engine.client';
export * from './rpc-error';
export * from './amqp/amqp-backend';
export * from './in-process/in-process-backend';
export * from './create-bus';
