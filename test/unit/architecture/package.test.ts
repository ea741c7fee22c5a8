/**
 * What the published package holds: the product (the CLI, the catalogue, the OpenVZ simulator the
 * demo runs, the config defaults), and none of the support code: the Slack stand-in, the memory
 * driver and the benches stay in the repository.
 */
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../..', import.meta.url).pathname;

describe('npm pack', () => {
  it('ships the product and leaves the testkit and the benches out', async () => {
    const r = await execa('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT });
    const files = (JSON.parse(r.stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map(
      (f) => f.path,
    );
    for (const shipped of [
      'dist/src/cli.js',
      'dist/jobs/index.js',
      'dist/src/sim/openvz/vzctl.js',
      'config/default.yaml',
    ])
      expect(files).toContain(shipped);
    expect(files.filter((f) => /(^|\/)(testkit|bench|test)\//.test(f))).toEqual([]);
    expect(files.filter((f) => /standin|memory-driver/.test(f))).toEqual([]);
  });
});
