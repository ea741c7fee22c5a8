/** Size formatting for vzctl arguments. */

const KIB = 1024;
const MIB = 1024 * KIB;

/** Bytes as a vzctl `--ram`/`--swap` value: whole MiB as `512M`, otherwise KiB rounded up (`1537K`). */
export function memoryArg(bytes: number): string {
  return bytes % MIB === 0 ? `${bytes / MIB}M` : `${Math.ceil(bytes / KIB)}K`;
}

/** Bytes as a vzctl `--diskspace S:H` value in KB; soft = hard so the guest sees exactly its plan. */
export function diskspaceArg(bytes: number): string {
  const kb = Math.ceil(bytes / KIB);
  return `${kb}:${kb}`;
}
