import { reasonOf } from './embedded-postgres';

/** The reason quoted in a failed start's one sentence is Postgres's own FATAL (or initdb's error) line. */
describe('reasonOf', () => {
  it('takes the last FATAL line of the server, without its prefix', () => {
    const out = [
      '2026-12-01 23:16:27.100 UTC [123] LOG:  starting PostgreSQL 17.9',
      '2026-12-01 23:16:27.101 UTC [123] FATAL:  data directory "/x/postgres" has invalid permissions',
      '2026-12-01 23:16:27.101 UTC [123] DETAIL:  Permissions should be u=rwx (0700) or u=rwx,g=rx (0750).',
    ].join('\n');
    expect(reasonOf(out)).toBe('data directory "/x/postgres" has invalid permissions');
  });

  it("takes initdb's error line", () => {
    const out =
      'The files belonging to this database system will be owned by user "postgres".\n' +
      'initdb: error: could not access directory "/root/g/.grove/postgres": Permission denied\n';
    expect(reasonOf(out)).toBe('could not access directory "/root/g/.grove/postgres": Permission denied');
  });

  it('is empty when nothing went wrong in words', () => {
    expect(reasonOf('LOG:  database system is shut down\n')).toBe('');
  });
});
