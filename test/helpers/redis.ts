/** Each test file gets its own real redis-server on a free port. */
import { afterAll, beforeAll } from 'vitest';
import { type PrivateRedis, startRedis } from '../../src/cli/demo/redis-server.js';

/** Starts redis-server before the file's tests and stops it after; read `.url` inside tests. */
export function useRedis(): { readonly url: string } {
  let r: PrivateRedis | undefined;
  beforeAll(async () => {
    r = await startRedis();
  });
  afterAll(async () => {
    await r?.stop();
  });
  return {
    get url() {
      if (!r) throw new Error('redis not started yet');
      return r.url;
    },
  };
}
