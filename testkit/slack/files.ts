/**
 * File uploads the way files.uploadV2 does them (contract section e): getUploadURLExternal hands out
 * an upload URL on the stand-in, the bytes are POSTed there, completeUploadExternal shares them.
 */
import { channelError, fail, type Handler, invalidArguments, str } from './methods.js';
import { decodeBody } from './routes.js';
import { prefixedId, type SlackStore } from './store.js';

const uploadUrl: Handler = (ctx, args) => {
  const filename = str(args.filename);
  const length = Number(args.length);
  if (!filename || !Number.isInteger(length) || length < 0)
    return invalidArguments('filename and length required');
  const id = prefixedId('F');
  ctx.store.files.set(id, { id, filename, length, completed: false });
  return { ok: true, upload_url: `${ctx.baseUrl}upload/v1/${id}`, file_id: id };
};

const completeUpload: Handler = (ctx, args) => {
  if (!Array.isArray(args.files) || args.files.length === 0) return invalidArguments('files required');
  if (args.channel_id !== undefined) {
    const bad = channelError(ctx, args.channel_id);
    if (bad) return bad;
  }
  const refs = args.files as Array<{ id?: string; title?: string }>;
  const files = refs.map((r) => ctx.store.files.get(String(r.id)));
  if (files.some((f) => !f?.bytes)) return fail('file_not_found');
  const out = refs.map((r, i) => {
    const f = Object.assign(files[i]!, {
      title: r.title ?? files[i]!.filename,
      completed: true,
      ...(str(args.channel_id) ? { channel: str(args.channel_id) } : {}),
      ...(str(args.thread_ts) ? { thread_ts: str(args.thread_ts) } : {}),
      ...(str(args.initial_comment) ? { initial_comment: str(args.initial_comment) } : {}),
    });
    return { id: f.id, name: f.filename, title: f.title, size: f.bytes?.length ?? 0 };
  });
  return { ok: true, files: out };
};

/** The files.* methods by name. */
export const FILE_METHODS: Record<string, Handler> = {
  'files.getUploadURLExternal': uploadUrl,
  'files.completeUploadExternal': completeUpload,
};

/**
 * Stores the bytes POSTed to an upload URL (the multipart part, or the raw body) and gives the
 * HTTP status and text Slack answers: `OK - <bytes>`.
 */
export async function receiveUpload(
  store: SlackStore,
  fileId: string,
  raw: Buffer,
  contentType: string | undefined,
): Promise<{ status: number; text: string }> {
  const file = store.files.get(fileId);
  if (!file) return { status: 404, text: 'file_not_found' };
  const decoded = await decodeBody(raw, contentType);
  const part = Object.values(decoded.args).find((v) => Buffer.isBuffer(v));
  file.bytes = Buffer.isBuffer(part) ? part : raw;
  return { status: 200, text: `OK - ${file.bytes.length}` };
}
