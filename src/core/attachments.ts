import type { TemplateKey } from '../config/templates.js';

/** Why an attachment did not go to the school. */
export type LeftOut = 'type' | 'too-big' | 'too-many' | 'size-unknown' | 'unreadable';

export interface AttachmentLimits {
  maxAttachments: number;
  maxAttachmentMegabytes: number;
}

const whyKey: Record<LeftOut, TemplateKey> = {
  type: 'attachmentWhyType',
  'too-big': 'attachmentWhyTooBig',
  'too-many': 'attachmentWhyTooMany',
  'size-unknown': 'attachmentWhySizeUnknown',
  unreadable: 'attachmentWhyUnreadable',
};

/** Why the bot left an attachment out, in its own words: the same for the reporter and the school. */
export function leftOutWhy(
  why: LeftOut,
  limits: AttachmentLimits,
  say: (key: TemplateKey, values: Record<string, string | number>) => string,
): string {
  return say(whyKey[why], { files: limits.maxAttachments, megabytes: limits.maxAttachmentMegabytes });
}

/** A size as parents and the school read it (the limits are in megabytes of 1,000,000 bytes). */
export function sizeText(bytes: number): string {
  return bytes < 1_000_000 ? `${Math.max(1, Math.ceil(bytes / 1000))} KB` : `${(bytes / 1_000_000).toFixed(1)} MB`;
}
