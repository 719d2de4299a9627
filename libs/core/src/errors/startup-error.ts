/**
 * Thrown when a process cannot start for a reason its operator can fix (a directory it cannot
 * reach, a program that will not run). The message is one sentence saying what is wrong and what
 * to do; main.ts prints it alone, without a stack, and exits 1.
 */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}
