/** The OpError a promise rejects with; fails the test when it resolves or rejects with anything else. */
import { expect } from 'vitest';
import { OpError } from '../../src/model/errors.js';

export async function opError(p: Promise<unknown>): Promise<OpError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(OpError);
    return err as OpError;
  }
  throw new Error('expected the operation to fail');
}
