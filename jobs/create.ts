import { OpError } from '../src/model/errors.js';
import { formatSize } from '../src/model/units.js';
import { int, NAME_RE, name, size } from '../src/ops/args.js';
import { defineOperation } from '../src/ops/operation.js';
import { GUEST_CHANGE } from './kinds.js';
import { requested } from './sizes.js';

export default defineOperation({
  name: 'create',
  summary: 'Create a guest from a template, sized by a plan or explicit values',
  target: 'new-guest',
  args: {
    host: name({ hint: 'HOST', help: 'host to create it on (needed when the fleet has several)' }),
    plan: name({ hint: 'PLAN', help: 'size preset from the config (plans:)' }),
    template: name({ hint: 'TEMPLATE', help: 'OS template, e.g. debian-12-x86_64' }),
    vcpus: int({ min: 1, max: 1024, limit: 'vcpus', help: 'virtual CPUs (overrides the plan)' }),
    memory: size({ limit: 'memory', help: 'RAM, e.g. 2G (overrides the plan)' }),
    disk: size({ limit: 'disk', help: 'disk, e.g. 40G (overrides the plan)' }),
    ip: name({ hint: 'IP', help: 'an IPv4 address to assign' }),
    id: int({ min: 100, max: 2_147_483_644, help: 'OpenVZ CTID (picked automatically when left out)' }),
  },
  risk: 'change',
  ...GUEST_CHANGE,
  admission: ({ args }) => ({ add: requested(args) }),
  timeoutMs: 30 * 60_000,
  // Repeating a half-done create could leave a second guest behind.
  retryable: false,
  examples: [
    '/vps create shop-3 plan=small',
    '/vps create shop-3 host=vz-1 template=centos-7-x86_64 memory=2G disk=40G',
  ],
  prepare({ args, config }) {
    const planName = (args.plan as string | undefined) ?? config.create.plan;
    const plan = config.plans[planName];
    if (!plan) {
      throw new OpError('BAD_INPUT', `No plan named "${planName}".`, {
        hint: `Plans: ${Object.entries(config.plans)
          .map(([n, p]) => `${n} (${p.vcpus} vCPU, ${formatSize(p.memory)} RAM, ${formatSize(p.disk)} disk)`)
          .join(', ')}.`,
        field: 'plan',
      });
    }
    if (args.ip !== undefined && !/^(\d{1,3})(\.\d{1,3}){3}$/.test(args.ip as string)) {
      throw new OpError('BAD_INPUT', `ip: "${args.ip}" is not an IPv4 address.`, { field: 'ip' });
    }
    return {
      ...args,
      plan: planName,
      template: (args.template as string | undefined) ?? config.create.template,
      vcpus: args.vcpus ?? plan.vcpus,
      memory: args.memory ?? plan.memory,
      disk: args.disk ?? plan.disk,
    };
  },
  async run(ctx) {
    const name = ctx.target.word ?? '';
    if (!NAME_RE.test(name)) throw new OpError('BAD_INPUT', `"${name}" is not a valid guest name.`);
    const a = ctx.args;
    ctx.progress(5, `creating ${name} from ${a.template}`);
    const guest = await ctx.driver.create(
      {
        name,
        template: a.template as string,
        vcpus: a.vcpus as number,
        memoryBytes: a.memory as number,
        diskBytes: a.disk as number,
        hostname: name,
        description: `created by ${ctx.user} with vpsops`,
        ...(a.id !== undefined ? { id: String(a.id) } : {}),
        ...(a.ip !== undefined ? { ips: [a.ip as string] } : {}),
      },
      { signal: ctx.signal, progress: ctx.progress },
    );
    return {
      summary: `${name} was created on ${ctx.target.host} (id ${guest.id}) and is ${guest.state}; /vps start ${name} boots it.`,
      fields: {
        vCPUs: String(guest.vcpus || a.vcpus),
        Memory: formatSize(guest.memoryBytes || (a.memory as number)),
        Disk: formatSize(guest.diskBytes || (a.disk as number)),
        Template: String(a.template),
      },
    };
  },
});
