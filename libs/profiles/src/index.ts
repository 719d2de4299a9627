export * from './profile-type';
export * from './registry';
export * from './nova-server/nova-server.profile';
export * from './nova-server/nova-server.properties';
export * from './heat-stack/heat-stack.profile';
export * from './heat-stack/heat-stack.properties';
export * from './docker-container/docker-container.profile';
export * from './docker-container/docker-container.properties';
