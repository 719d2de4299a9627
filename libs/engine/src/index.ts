export * from './engine.module';
export * from './engine-options';
export { HandlerRegistry } from './runner/handler-registry';
