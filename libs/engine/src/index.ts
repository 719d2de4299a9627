export * from './engine.module';
export * from './engine-options';
export { HandlerRegistry, NOT_YET_HANDLED } from './runner/handler-registry';
