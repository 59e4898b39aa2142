import { expect } from 'vitest';
import { WorkerError } from '../src/errors.js';

/** The WorkerError a handler's promise rejects with (fails the test when it resolves or rejects with anything else). */
export async function failure(p: Promise<unknown>): Promise<WorkerError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(WorkerError);
    return err as WorkerError;
  }
  throw new Error('expected a failure');
}
