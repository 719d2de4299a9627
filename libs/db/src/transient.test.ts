import { isTransientDbError } from './transient';

describe('isTransientDbError', () => {
  it('takes connection losses, shutdowns, timeouts and lost races for transient', () => {
    const pg = (code: string, message = 'x') => Object.assign(new Error(message), { code });
    for (const e of [
      pg('57P01', 'terminating connection due to administrator command'),
      pg('08006'),
      pg('40001'),
      pg('40P01'),
      pg('55P03'),
      pg('57014', 'canceling statement due to statement timeout'),
      pg('25P03'),
      new Error('timeout exceeded when trying to connect'),
      new Error('Connection terminated unexpectedly'),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('Query failed'), { driverError: pg('57P01') }),
      Object.assign(new Error('released'), { name: 'QueryRunnerAlreadyReleasedError' }),
    ])
      expect([e.message, isTransientDbError(e)]).toEqual([e.message, true]);
  });

  it('takes errors about the statement or the data for what they are', () => {
    const pg = (code: string) => Object.assign(new Error('x'), { code });
    for (const e of [
      pg('23505'),
      pg('23502'),
      pg('22P02'),
      pg('42P01'),
      new Error('The node could not be found.'),
      null,
    ])
      expect(isTransientDbError(e)).toBe(false);
  });
});
