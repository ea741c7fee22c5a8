/**
 * Operator-supplied domain XML templates: a file with `{{placeholders}}` that vpsops fills with
 * checked, XML-escaped values. Lets an operator choose machine type, CPU model, extra devices…
 * while vpsops still controls name, size, disk and MAC.
 */
import { OpError } from '../../model/errors.js';
import { type DomainSpec, escapeXml, guestMetadataElement, resolveSpec, toKiB } from './xml.js';

/** Every placeholder a template may use. */
export const PLACEHOLDERS = [
  'name',
  'uuid',
  'vcpus',
  'maxVcpus',
  'memoryKiB',
  'maxMemoryKiB',
  'diskPath',
  'mac',
  'description',
  'domainType',
  'metadata',
] as const;

export type Placeholder = (typeof PLACEHOLDERS)[number];

/**
 * Placeholders a template must use: without them the guest would ignore the plan (size), boot
 * without its overlay disk, or get a random MAC instead of the stable one.
 */
export const REQUIRED_PLACEHOLDERS: readonly Placeholder[] = [
  'name',
  'vcpus',
  'memoryKiB',
  'diskPath',
  'mac',
];

// `{{ name }}` with optional spaces; anything else between braces is reported as malformed.
const PLACEHOLDER_RE = /\{\{([^{}]*)\}\}/g;
const IDENT_RE = /^[A-Za-z][A-Za-z0-9_]*$/;
const KNOWN: ReadonlySet<string> = new Set(PLACEHOLDERS);

function configError(template: string, message: string): OpError {
  return new OpError('CONFIG', `Domain template ${template} ${message}`);
}

/** The placeholder names a template uses, in order of first use. Throws CONFIG on unknown or malformed ones. */
export function templatePlaceholders(xml: string, templateName = '(unnamed)'): Placeholder[] {
  const seen: Placeholder[] = [];
  for (const m of xml.matchAll(PLACEHOLDER_RE)) {
    const inner = (m[1] ?? '').trim();
    if (!IDENT_RE.test(inner)) {
      throw configError(templateName, `has a malformed placeholder {{${inner}}}.`);
    }
    if (!KNOWN.has(inner)) {
      throw configError(
        templateName,
        `uses an unknown placeholder {{${inner}}}; known ones are ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}.`,
      );
    }
    const p = inner as Placeholder;
    if (!seen.includes(p)) seen.push(p);
  }
  return seen;
}

/**
 * Checks a template once (at config load or before a create): every placeholder known, every
 * required one present. Throws OpError CONFIG naming the first problem.
 */
export function checkDomainTemplate(xml: string, templateName = '(unnamed)'): void {
  const used = templatePlaceholders(xml, templateName);
  const missing = REQUIRED_PLACEHOLDERS.find((p) => !used.includes(p));
  if (missing) {
    throw configError(templateName, `has no {{${missing}}} placeholder; vpsops needs it to ${WHY[missing]}.`);
  }
  if (!/<domain[\s>]/.test(xml)) throw configError(templateName, 'has no <domain> element.');
}

const WHY: Record<string, string> = {
  name: 'name the guest',
  vcpus: 'give the guest the vCPUs of its plan',
  memoryKiB: 'give the guest the memory of its plan',
  diskPath: "attach the guest's own disk",
  mac: 'give the guest its stable MAC address',
};

/** The XML-ready value of each placeholder for a spec (all checked and escaped). */
export function placeholderValues(spec: DomainSpec): Record<Placeholder, string> {
  const s = resolveSpec(spec);
  return {
    name: s.name,
    uuid: s.uuid,
    vcpus: String(s.vcpus),
    maxVcpus: String(s.maxVcpus),
    memoryKiB: String(toKiB(s.memoryBytes)),
    maxMemoryKiB: String(toKiB(s.maxMemoryBytes)),
    diskPath: escapeXml(s.diskPath),
    mac: s.mac,
    description: escapeXml(s.description),
    domainType: s.domainType,
    // Already markup: our own element built from escaped values.
    metadata: `<metadata>${guestMetadataElement(s)}</metadata>`,
  };
}

/**
 * Fills a domain XML template for a spec. Throws CONFIG for an unknown or missing placeholder
 * (naming it and the template) and BAD_INPUT for a bad spec value.
 */
export function renderDomainTemplate(xml: string, spec: DomainSpec, templateName = '(unnamed)'): string {
  checkDomainTemplate(xml, templateName);
  const values = placeholderValues(spec);
  return xml.replace(PLACEHOLDER_RE, (_all, inner: string) => values[inner.trim() as Placeholder]);
}
