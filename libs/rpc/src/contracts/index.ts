export * from './engine.contract';
export * from './routes';
