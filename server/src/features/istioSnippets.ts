import type { CompletionItem } from 'vscode-languageserver-types';
import { CompletionItemKind, InsertTextFormat, MarkupKind } from 'vscode-languageserver-types';
import type { InpodVariant } from '../istio/generations';
import { expectedInpodRuleSet, formatVersionRange, versionRangeOf } from '../istio/generations';
import { defaultTemplateValues } from '../istio/templates';
import { renderExpectedRuleSet } from './compareExpected';

/** The in-pod variants offered as whole-file snippets: one per generation, with and without DNS capture. */
const variants: readonly { readonly label: string; readonly variant: InpodVariant }[] = [
  {
    label: 'REDIRECT generation, DNS capture on',
    variant: {
      generation: 'redirect',
      dns: 'marked',
      ingress: false,
      expectsConnmarkRule: true,
      virtualInterfaces: [],
    },
  },
  {
    label: 'REDIRECT generation, DNS capture off',
    variant: {
      generation: 'redirect',
      dns: 'off',
      ingress: false,
      expectsConnmarkRule: true,
      virtualInterfaces: [],
    },
  },
  {
    label: 'TPROXY generation, DNS capture on',
    variant: {
      generation: 'tproxy',
      dns: 'legacy',
      ingress: false,
      expectsConnmarkRule: true,
      virtualInterfaces: [],
    },
  },
];

/**
 * Snippets that insert a complete Istio ambient in-pod rule set (IPv4) of each generation, rendered
 * from the Istio knowledge base, so they always agree with what the checks expect.
 */
export function istioSnippets(): CompletionItem[] {
  return variants.map(({ label, variant }) => {
    const text = renderExpectedRuleSet(expectedInpodRuleSet(variant), defaultTemplateValues('ipv4'));
    const versions = formatVersionRange(versionRangeOf(variant));
    return {
      label: `Istio ambient in-pod rules (${label})`,
      kind: CompletionItemKind.Snippet,
      detail: `Istio ${versions}`,
      filterText: `*istio ambient ${label}`,
      insertText: text.replace(/[$}\\]/g, (c) => `\\${c}`),
      insertTextFormat: InsertTextFormat.Snippet,
      documentation: {
        kind: MarkupKind.Markdown,
        value: `The rules Istio ${versions} writes in a pod's network namespace.\n\n\`\`\`\n${text}\`\`\``,
      },
    };
  });
}
