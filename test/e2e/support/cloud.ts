export { serversOf, setSimulatorConfig } from '@grove/testing';
