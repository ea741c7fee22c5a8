/**
 * `vpsops demo` driven through stdin, as a newcomer would use it: its own redis-server, a worker
 * child on the simulated OpenVZ host, and the terminal chat.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Driven, drive } from '../helpers/driven.js';
import { sleep } from '../helpers/pipeline.js';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli.js');
let demo: Driven;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vpsops-demo-'));
  demo = drive(process.execPath, [CLI, 'demo', '--as', 'alice', '--state-dir', dir], { REDIS_URL: '' });
  await demo.waitFor(/Ready: OpenVZ host vz-1 \(simulated\) with 5 containers/, 60_000);
  await demo.waitFor(/KVM host kvm-1 on libvirt's test driver/);
}, 70_000);

afterAll(async () => {
  demo.send('/quit');
  const r = await demo.exit;
  expect(r.exitCode).toBe(0);
  expect(demo.output).toContain('Stopping the demo…');
});

describe('vpsops demo', () => {
  it('lists the guests of both hosts from their inventories', async () => {
    demo.mark();
    demo.send('/vps list');
    await demo.waitFor(/6 guests[\s\S]*inventory as of vz-1 .*, kvm-1 /);
    expect(demo.output).toMatch(
      /web-1 101 on vz-1 · 🟢 running · 1 vCPU · 1G RAM · 20G disk · 10\.0\.0\.101/,
    );
    expect(demo.output).toMatch(/mail-1 104 on vz-1 · ⚪ stopped/);
    expect(demo.output).toMatch(/test on kvm-1 · 🟢 running · 2 vCPU · 2G RAM/);
  });

  it('starts a container with progress and the outcome', async () => {
    demo.mark();
    demo.send('/vps start mail-1');
    await demo.waitFor(/⏳ start mail-1 \(104\) on vz-1: queued/);
    await demo.waitFor(/▶️ start mail-1 \(104\) on vz-1: ▓+░* \d+% /);
    await demo.waitFor(/✅ start mail-1 \(104\) on vz-1: done in [\d.]+s: mail-1 \(104\) is running\./);
    demo.mark();
    demo.send('/vps status mail-1');
    await demo.waitFor(/State\s+🟢 running/);
  });

  it('stops a container by CTID', async () => {
    demo.mark();
    demo.send('/vps stop 101');
    await demo.waitFor(/✅ stop web-1 \(101\) on vz-1: done in [\d.]+s: web-1 \(101\) is stopped\./);
  });

  it('takes a snapshot and lists it', async () => {
    demo.mark();
    demo.send('/vps snapshot db-1 name=before-upgrade');
    await demo.waitFor(
      /✅ snapshot db-1 \(103\) on vz-1: done in [\d.]+s: Snapshot before-upgrade of db-1 \(103\) was taken/,
    );
    demo.mark();
    demo.send('/vps snapshots db-1');
    await demo.waitFor(/db-1 \(103\) has 1 snapshot\.[\s\S]*before-upgrade/);
  });

  it('answers a bad command and an unknown guest with a sentence and a way forward', async () => {
    demo.mark();
    demo.send('/vps frobnicate');
    await demo.waitFor(/❌ Unknown command "frobnicate"\.\nType \/vps help to see the commands\./);
    demo.send('/vps start nosuch');
    await demo.waitFor(/❌ No guest named "nosuch"\.\nSee \/vps list/);
    demo.send('/vps start web-3');
    await demo.waitFor(/❌ No guest named "web-3"\. Did you mean "web-1" or "web-2"\?/);
    demo.send('/vps stop web-2 force=maybe');
    await demo.waitFor(
      /❌ force: expected yes or no, got "maybe"\.\nUsage: \/vps stop <guest> \[force=yes\|no\] \[timeout=DURATION\]/,
    );
  });

  it('cancels a running operation', async () => {
    demo.send('/sim delay start 8000');
    demo.mark();
    demo.send('/vps start build-1');
    const [, id] = await demo.waitFor(/job ([0-9a-z]{8})/);
    await demo.waitFor(/▶️ start build-1/);
    demo.mark();
    demo.send(`/vps cancel ${id}`);
    await demo.waitFor(new RegExp(`Cancelling job ${id} on vz-1`));
    await demo.waitFor(
      /🚫 start build-1 \(105\) on vz-1: cancelled \(The operation was cancelled \(cancelled by alice\)\.\)/,
      6_000,
    );
    demo.send('/sim delay start 0');
  });

  it("runs the KVM guest on libvirt's test driver: stop, start, create, resize, destroy", async () => {
    demo.mark();
    demo.send('/vps stop test force=yes timeout=2s');
    await demo.waitFor(/✅ stop test on kvm-1: done in [\d.]+m?s: test is stopped\./);
    demo.send('/vps start test');
    await demo.waitFor(/✅ start test on kvm-1: done in [\d.]+m?s: test is running\./);
    demo.send('/vps create shop-3 host=kvm-1 plan=small');
    await demo.waitFor(/✅ create shop-3 on kvm-1: done .*shop-3 was created on kvm-1/);
    // libvirt's test host has little RAM: 2G more would pass its critical overcommit ratio,
    // so the resize waits for an approver (admission control), with the numbers.
    demo.send('/vps resize shop-3 memory=2G');
    const [, rid] = await demo.waitFor(
      /resize shop-3 on kvm-1 needs approval \(takes kvm-1 RAM to [\d.]+x, policy 1\.20x\).*request (\w+)/,
    );
    demo.send('/as bob');
    demo.send(`/vps approve ${rid}`);
    await demo.waitFor(/✅ resize shop-3 on kvm-1: done .*resized to 2G RAM/);
    demo.send('/as alice');
    // Destroying waits for a second person: the demo's policy makes everyone an approver.
    demo.send('/vps destroy shop-3');
    const [, id] = await demo.waitFor(
      /destroy shop-3 on kvm-1 needs approval \(destroy is destructive\).*request (\w+)/,
    );
    demo.send(`/vps approve ${id}`);
    await demo.waitFor(/You cannot approve your own request/);
    demo.send('/as bob');
    demo.send(`/vps approve ${id}`);
    await demo.waitFor(/✅ destroy shop-3 on kvm-1: done .*shop-3 was destroyed\./);
    demo.send('/as alice');
    await demo.waitFor(/You are now alice/);
  });

  it("says in one sentence what libvirt's test driver cannot do", async () => {
    demo.mark();
    demo.send('/vps snapshot test');
    await demo.waitFor(
      /❌ snapshot test on kvm-1: failed in [\d.]+m?s: libvirt's test driver does not support snapshots\./,
    );
  });

  it('switches user with /as', async () => {
    demo.mark();
    demo.send('/as bob');
    await demo.waitFor(/You are now bob\./);
    demo.send('/vps reboot db-1');
    await demo.waitFor(/requested by bob/);
    await demo.waitFor(/✅ reboot db-1 \(103\) on vz-1: done/);
  });

  it('approvals at the terminal: pending lists the request, deny takes a reason, nothing runs', async () => {
    demo.mark();
    demo.send('/as carol');
    demo.send('/vps destroy db-1');
    const [, id] = await demo.waitFor(/destroy db-1 \(103\) on vz-1 needs approval.*request (\w+)/);
    await demo.waitFor(/Approval needed: destroy db-1 \(103\) on vz-1/);
    demo.send('/as dan');
    demo.send('/vps pending');
    await demo.waitFor(new RegExp(`${id} destroy db-1 \\(103\\) on vz-1 by carol · 0 of 1`));
    demo.send(`/vps deny ${id} reason="not during the demo"`);
    await demo.waitFor(/⛔ denied by dan at .*: not during the demo/);
    demo.send('/vps status db-1');
    await demo.waitFor(/db-1 \(103\) on vz-1[\s\S]*running/);
  });

  it('alerts at the terminal: a crash with how to start it, a silent host and its return', async () => {
    demo.mark();
    demo.send('/sim crash 102');
    await demo.waitFor(
      /🚨 web-2 \(102\) crashed on vz-1[\s\S]*↳ \/vps start web-2@vz-1 starts it again/,
      15_000,
    );
    demo.send('/vps start web-2@vz-1');
    await demo.waitFor(/↳ resolved: web-2 is running again/, 15_000);
    demo.mark();
    demo.send('/sim worker stop');
    await demo.waitFor(/🚨 host vz-1 is not reporting since/, 30_000);
    demo.send('/sim worker start');
    await demo.waitFor(/↳ vz-1 is reporting again after/, 30_000);
  }, 90_000);

  it('prints a standing alert once, not at every check', async () => {
    // vz-1's RAM has stood overcommitted since the demo started, checked every 2 s.
    const card = /critical · overcommit · overcommit:vz-1:memory/g;
    const counted = async () => {
      demo.mark();
      demo.send('/vps alerts');
      const [, n] = await demo.waitFor(/ · (\d+)× · overcommit:vz-1:memory/);
      return Number(n);
    };
    const from = demo.output.length;
    const first = await counted();
    // The positive control: the checks go on and count the alert. Asked once a second, well
    // within the read limit.
    let now = first;
    for (let i = 0; i < 30 && now < first + 3; i++) {
      await sleep(1_000);
      now = await counted();
    }
    expect(now).toBeGreaterThanOrEqual(first + 3);
    expect(demo.output.slice(from).match(card)).toBeNull();
    // Over the whole session, minutes of checks: the one card it opened with.
    expect(demo.output.match(card)).toHaveLength(1);
  }, 60_000);
});
