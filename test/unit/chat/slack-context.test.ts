import { describe, expect, it } from 'vitest';
import { ackBody, pagedText } from '../../../src/chat/slack/context.js';
import type { Reply } from '../../../src/model/outcome.js';

// Thirty hosts draw as 61 blocks: more than Slack takes in one message.
const hosts = Array.from({ length: 30 }, (_, i) => ({
  view: { name: `vz-${i}` },
  kind: 'openvz',
  group: 'eu',
}));
const reply = (page?: Reply['page']): Reply => ({
  ok: true,
  ephemeral: true,
  text: 'hosts',
  view: { kind: 'hosts', hosts, now: 0 },
  ...(page ? { page } : {}),
});

describe('Slack replies', () => {
  it('never sends more than Slack’s 50 blocks, keeping room for the page buttons', () => {
    const body = ackBody(reply({ page: 2, pages: 3 }), 'list host=vz-1');
    const blocks = body.blocks as Array<{
      type: string;
      elements?: Array<{ action_id: string; value: string }>;
    }>;
    expect(blocks).toHaveLength(50);
    const nav = blocks.at(-1)!;
    expect(nav.elements!.map((e) => e.action_id)).toEqual(['page_prev', 'page_next']);
    expect(pagedText(nav.elements![1]!.value)).toBe('list host=vz-1 page=3');
    expect(body.response_type).toBe('ephemeral');
  });

  it('a Prev/Next value replaces a page= the user typed and refuses anything else', () => {
    expect(pagedText('2|list page=5 state=running')).toBe('list state=running page=2');
    expect(pagedText('list')).toBeUndefined();
  });

  it('a one-page read gets no buttons', () => {
    const blocks = ackBody(reply(), 'list').blocks as Array<{ type: string }>;
    expect(blocks.some((b) => b.type === 'actions')).toBe(false);
  });
});
