/**
 * The GROVE_SECRET_KEY of test runs: processes started by the tests get it, and test files that
 * use the repositories directly seal and open with it too (jest's setupFiles: use-test-sealing-key.ts).
 */
export const TEST_SEALING_KEY = 'Z3JvdmUtdGVzdC1zZWFsaW5nLWtleS0zMi1ieXRlcyE=';
