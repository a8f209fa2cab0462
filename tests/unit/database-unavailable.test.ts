import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDatabaseUnavailable } from '../../src/cloud/database-unavailable';

const failure = (message: string, code?: string) => Object.assign(new Error(message), code === undefined ? {} : { code });

describe('a database outage told from a fault', () => {
  it('counts a database that is down, starting, full of connections, or locked by another process', () => {
    for (const [message, code] of [
      ['connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'],
      ['terminating connection due to administrator command', '57P01'],
      ['the database system is starting up', '57P03'],
      ['sorry, too many clients already', '53300'],
      ['connection failure', '08006'],
      ['could not extend file: No space left on device', '53100'],
      ['cannot execute INSERT in a read-only transaction', '25006'],
      ['deadlock detected', '40P01'],
      ['SQLITE_FULL: database or disk is full', 'SQLITE_FULL'],
      ['SQLITE_BUSY: database is locked', 'SQLITE_BUSY'],
      ['Connection terminated unexpectedly', undefined],
    ] as const) {
      assert.equal(isDatabaseUnavailable(failure(message, code)), true, message);
    }
  });

  it('does not count a fault of the request or of the server', () => {
    for (const [message, code] of [
      ['duplicate key value violates unique constraint', '23505'],
      ['bind message supplies 70000 parameters, but prepared statement requires 1', '08P01'],
      ['password authentication failed', '28P01'],
      ['canceling statement due to statement timeout', '57014'],
      ['relation "devices" does not exist', '42P01'],
      ['SQLITE_CONSTRAINT: UNIQUE constraint failed', 'SQLITE_CONSTRAINT'],
      ["Cannot read properties of undefined (reading 'version')", undefined],
    ] as const) {
      assert.equal(isDatabaseUnavailable(failure(message, code)), false, message);
    }
    assert.equal(isDatabaseUnavailable('ECONNREFUSED'), false, 'only an Error');
  });
});
