export * from './database';
export * from './broker';
export * from './factories/entities.factory';
export * from './api-client';
export * from './processes';
export * from './cloud';
