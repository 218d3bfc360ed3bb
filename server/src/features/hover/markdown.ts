import type { Hover } from 'vscode-languageserver-types';
import { MarkupKind } from 'vscode-languageserver-types';
import type { Span } from '../../model/span';
import { spanToLspRange } from '../convert';

/**
 * The shape every hover shares: a short bold headline, a few lines of detail, optionally the syntax
 * in a code block, and where the facts come from. Kept small so a hover stays under ~25 lines.
 */
export interface HoverContent {
  readonly headline: string;
  readonly details?: readonly string[];
  /** Lines shown in a fenced code block (syntax, bit views). */
  readonly code?: readonly string[];
  /** Further paragraphs after the code block (Istio meaning, callers …). */
  readonly after?: readonly string[];
  readonly source?: string;
}

export function renderHover(content: HoverContent): string {
  const parts: string[] = [`**${withoutImages(content.headline)}**`];
  const details = (content.details ?? []).filter((d) => d.length > 0);
  if (details.length > 0) parts.push(withoutImages(details.join('  \n')));
  if (content.code && content.code.length > 0) parts.push(['```', ...content.code, '```'].join('\n'));
  for (const paragraph of content.after ?? []) if (paragraph.length > 0) parts.push(withoutImages(paragraph));
  if (content.source) parts.push(`_Source: ${content.source}_`);
  return parts.join('\n\n');
}

/**
 * Chain names, comments and other file text end up in the Markdown above; `![x](https://…)` there
 * would make the editor fetch a remote image when the hover shows (a tracking pixel planted in a
 * dump). Our own texts use no images, so every `![` is shown literally instead.
 */
function withoutImages(markdown: string): string {
  return markdown.replace(/!\[/g, '!\\[');
}

export function toHover(content: HoverContent, span: Span): Hover {
  return {
    contents: { kind: MarkupKind.Markdown, value: renderHover(content) },
    range: spanToLspRange(span),
  };
}

/** `code` inline, with backticks inside the text neutralised. */
export function code(text: string): string {
  const safe = text.replace(/`/g, "'");
  return `\`${safe}\``;
}
