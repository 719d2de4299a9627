import { stackEvent } from './heat-payload';

describe('Heat stack events', () => {
  it('names the phase after the status and reports failures at ERROR priority', () => {
    expect(stackEvent({ action: 'DELETE', status: 'COMPLETE' })).toEqual({
      eventType: 'orchestration.stack.delete.end',
      priority: 'INFO',
    });
    expect(stackEvent({ action: 'UPDATE', status: 'FAILED' })).toEqual({
      eventType: 'orchestration.stack.update.error',
      priority: 'ERROR',
    });
    expect(stackEvent({ action: 'CREATE', status: 'IN_PROGRESS' })).toEqual({
      eventType: 'orchestration.stack.create.start',
      priority: 'INFO',
    });
  });
});
