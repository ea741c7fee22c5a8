/** A reply as a chat would draw it: the pipeline answers with data, the tests read the blocks too. */

import type { Block } from '../../src/chat/view/blocks.js';
import { replyBlocks } from '../../src/chat/view/reply.js';
import type { Reply } from '../../src/model/outcome.js';

export type Drawn = Reply & { blocks: Block[] };

export function drawn(r: Reply): Drawn {
  return { ...r, blocks: replyBlocks(r) };
}
