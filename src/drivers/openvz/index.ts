/** The OpenVZ driver and the helpers other modules use (beancounters for pressure alerts). */
export { OpenVzDriver, type OpenVzDriverOptions } from './driver.js';
export { MAPPED_EXIT_CODES, vzctlError } from './errors.js';
export { parseVzlist, VZLIST_FIELDS } from './inventory.js';
export {
  type Beancounter,
  type Beancounters,
  parseBeancounters,
  readBeancounters,
  readHostCapacity,
} from './proc.js';
export type { DriverLogger } from './runner.js';
