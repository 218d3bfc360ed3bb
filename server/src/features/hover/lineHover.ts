import type { ParsedDocument } from '../../parser/parseDocument';
import type {
  ChainLine,
  CommentLine,
  CommitLine,
  Counters,
  InvalidLine,
  TableLine,
} from '../../model/syntax';
import { spanContains } from '../../model/span';
import { findTable } from '../../netfilter/tables';
import { hookDocs, firstPacketOnlyTables } from '../../netfilter/hookDocs';
import { commentDocs, policyDocs, structureDocs } from '../../netfilter/fileDocs';
import { analyzeIstio } from '../../istio/classify';
import type { HoverContent } from './markdown';
import { code } from './markdown';
import { chainHover } from './chainHover';
import { istioContextAt } from './istioContext';
import { describeCounters } from './counters';

/** A hover and the stretch of the line it covers. */
export interface LineHover {
  readonly content: HoverContent;
  readonly span: { readonly line: number; readonly start: number; readonly end: number };
}

export function countersHover(counters: Counters, onRule: boolean): HoverContent {
  const doc = structureDocs.counters;
  return {
    headline: describeCounters(counters.packets, counters.bytes),
    details: [
      onRule
        ? 'Counted by this rule when the dump was taken.'
        : 'Counted by this chain’s policy (packets that fell off its end).',
      doc.summary,
    ],
    code: [doc.syntax],
    source: doc.source,
  };
}

export function tableLineHover(doc: ParsedDocument, line: TableLine): LineHover {
  const spec = findTable(line.name);
  const block = doc.ruleset.tableAt(line.line);
  const details: string[] = [];
  if (spec) {
    details.push(spec.summary);
    details.push(
      `Builtin chains: ${spec.chains.map((h) => `${h} (${hookDocs[h].afterRouting ? 'after' : 'before'} routing)`).join(', ')}.`,
    );
    if (firstPacketOnlyTables.has(spec.name)) {
      details.push(
        `**First packet only:** ${spec.name} rules see only the packet that creates a connection.`,
      );
    }
  } else {
    details.push(`${code(line.name)} is not one of the builtin tables (raw, mangle, nat, filter, security).`);
  }
  if (block) {
    const rules = [...block.chains.values()].reduce((n, c) => n + c.rules.length, 0);
    const end = block.commitLine !== undefined ? `COMMIT on line ${block.commitLine + 1}` : 'no COMMIT';
    details.push(`This block: ${block.chains.size} chains, ${rules} rules, ${block.family}; ${end}.`);
  }
  return {
    content: {
      headline: `\`*${line.name}\` — ${spec ? 'table' : 'unknown table'}`,
      details: [structureDocs.table.summary, ...details],
      source: spec?.source ?? structureDocs.table.source,
    },
    span: line.span,
  };
}

export function chainLineHover(doc: ParsedDocument, line: ChainLine, character: number): LineHover {
  if (line.counters && spanContains(line.counters.span, line.line, character)) {
    return { content: countersHover(line.counters, false), span: line.counters.span };
  }
  if (line.policySpan && spanContains(line.policySpan, line.line, character)) {
    const meaning = policyDocs[line.policy];
    return {
      content: {
        headline: `${line.policy} — ${line.policy === '-' ? 'no policy (user chain)' : 'policy'}`,
        details: [
          meaning ?? 'Not a valid policy: only ACCEPT and DROP (or `-` for a user chain) are accepted.',
        ],
        source: 'iptables(8) `-P`; iptables-restore(8)',
      },
      span: line.policySpan,
    };
  }
  const table = doc.ruleset.tableAt(line.line);
  const content = chainHover(doc, table, line.name, istioContextAt(doc, line.line));
  return {
    content: {
      ...content,
      code: [structureDocs.chain.syntax],
      details: [...(content.details ?? []), structureDocs.chain.summary],
    },
    span: line.nameSpan,
  };
}

export function commitLineHover(doc: ParsedDocument, line: CommitLine): LineHover {
  const table = doc.ruleset.tableAt(line.line);
  return {
    content: {
      headline: `COMMIT${table ? ` — ends the *${table.name} block (line ${table.line + 1})` : ''}`,
      details: [structureDocs.commit.summary],
      source: structureDocs.commit.source,
    },
    span: line.span,
  };
}

export function commentLineHover(doc: ParsedDocument, line: CommentLine): LineHover {
  const info = commentDocs[line.commentKind];
  const details = [info.summary];
  if (line.tool) details.push(`Written by ${code(line.tool)}.`);
  const after: string[] = [];
  if (line.commentKind === 'header') {
    const block = istioContextAt(doc, line.line).classification;
    const label = block?.label ?? analyzeIstio(doc).label;
    after.push(`**Classification:** ${label}.`);
  }
  return { content: { headline: info.title, details, after, source: info.source }, span: line.span };
}

/** At most this many problems are quoted in the hover of a rejected line. */
const maxProblemsQuoted = 3;

/** A line iptables-restore rejects before parsing a command: quote what is wrong with it. */
export function invalidLineHover(doc: ParsedDocument, line: InvalidLine): LineHover {
  const problems = doc.problems.filter((p) => p.span.line === line.line).slice(0, maxProblemsQuoted);
  return {
    content: {
      headline: 'Line rejected by iptables-restore',
      details:
        problems.length > 0 ? problems.map((p) => p.message) : ['iptables-restore cannot read this line.'],
      source: structureDocs.table.source,
    },
    span: line.span,
  };
}
