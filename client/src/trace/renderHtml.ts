import type {
  TraceJsonPacket,
  TraceJsonResult,
  TraceJsonState,
  TraceJsonStep,
} from '../../../common/traceProtocol';
import { randomBytes } from 'crypto';
import { escapeHtml } from './escape';
import { renderPathSvg } from './renderSvg';

export interface TraceViewInput {
  /** What was traced: a scenario title or the packet spec. */
  readonly title: string;
  readonly result: TraceJsonResult;
  /** The document's lines (0-based array), to quote the rule text of each step. */
  readonly lines: readonly string[];
  /**
   * Only the script and style carrying this value may run (CSP). Leave it out to get a fresh
   * 128-bit random one, which every render should have.
   */
  readonly nonce?: string;
  /** The webview's CSP source (`webview.cspSource`), for styles. */
  readonly cspSource: string;
}

/**
 * The whole trace view as one HTML page: per packet, the picture of its path, the final fate and
 * a table of every step with the packet state after it. Offline by construction: the CSP allows no
 * network source at all, and the only script is inline with a nonce (it posts "reveal line N").
 */
export function renderTraceHtml(input: TraceViewInput): string {
  const { result } = input;
  const nonce = input.nonce ?? createNonce();
  const csp = [
    "default-src 'none'",
    `style-src ${input.cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    "img-src 'none'",
    "connect-src 'none'",
    "font-src 'none'",
  ].join('; ');
  const packets = result.packets.map((p, i) => renderPacket(p, i, input.lines)).join('\n');
  const environment = result.environment.map((e) => `<li>${escapeHtml(e)}</li>`).join('');
  const assumptions = result.assumptions
    .map(
      (a) =>
        `<li>line ${escapeHtml(String(a.line))}: assumed <b>${a.matched ? 'matched' : 'not matched'}</b> — ${escapeHtml(a.reason)}</li>`,
    )
    .join('');
  const alternatives =
    result.alternatives.length > 0
      ? `<p class="alternatives">Some matches cannot be decided from the packet alone; ${result.alternatives.length} other outcome(s) exist: ${result.alternatives
          .map((alt) => escapeHtml(alt.packets.map((p) => p.final.fate).join(' / ')))
          .join('; ')}.</p>`
      : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(input.title)}</title>
<style nonce="${escapeHtml(nonce)}">${styles}</style>
</head>
<body>
<h1>${escapeHtml(input.title)}</h1>
${assumptions ? `<section class="assumptions"><h2>Assumed for undecidable matches</h2><ul>${assumptions}</ul></section>` : ''}
${alternatives}
${packets}
${environment ? `<section class="environment"><h2>What the dump cannot show (assumed)</h2><ul>${environment}</ul></section>` : ''}
<script nonce="${escapeHtml(nonce)}">
const vscode = acquireVsCodeApi();
document.addEventListener('click', (event) => {
  const target = event.target.closest('[data-line]');
  if (target) vscode.postMessage({ type: 'reveal', line: Number(target.dataset.line) });
});
</script>
</body>
</html>`;
}

/** 128 random bits, base64: a CSP nonce (CSP3 asks for at least 128 bits). */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

function renderPacket(packet: TraceJsonPacket, index: number, lines: readonly string[]): string {
  const f = packet.final;
  const where =
    f.fate === 'accept'
      ? f.delivered === 'local'
        ? `delivered to the local socket on port ${f.socketPort ?? f.dport}`
        : f.delivered === 'out'
          ? `sent out via ${f.oif ?? 'the default route'}`
          : 'forwarded'
      : f.fate;
  const decided =
    f.decidedBy !== undefined
      ? ` <a href="#" data-line="${escapeHtml(String(f.decidedBy))}">(line ${escapeHtml(String(f.decidedBy))})</a>`
      : '';
  const rows = packet.steps.map((s) => renderStep(s, lines)).join('\n');
  return `<section class="packet" id="packet-${index}">
<h2>Packet ${index + 1}: ${escapeHtml(packet.description)}</h2>
<p class="spec"><code>${escapeHtml(packet.spec)}</code></p>
<div class="picture">${renderPathSvg(packet)}</div>
<p class="final fate-${escapeHtml(f.fate)}"><b>${escapeHtml(f.fate.toUpperCase())}</b> — ${escapeHtml(where)}${decided};
 ${escapeHtml(`${f.src}:${f.sport} → ${f.dst}:${f.dport}`)}, mark ${hex(f.mark)}, ctmark ${hex(f.ctmark)}</p>
<table class="steps">
<thead><tr><th>hook</th><th>table:chain</th><th>rule</th><th>result</th><th>packet after</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</section>`;
}

function renderStep(step: TraceJsonStep, lines: readonly string[]): string {
  const where = step.table !== undefined ? `${step.table}:${step.chain ?? ''}` : step.kind;
  const ruleText = step.line !== undefined ? (lines[step.line - 1] ?? '') : '';
  const lineLink = (line: number): string =>
    `<a href="#" data-line="${escapeHtml(String(line))}">L${escapeHtml(String(line))}</a>`;
  // A folded run of non-matching rules links its first and last rule instead of quoting one.
  const rule =
    step.kind === 'skipped' && step.line !== undefined && step.lastLine !== undefined
      ? `${lineLink(step.line)}–${lineLink(step.lastLine)}`
      : step.line !== undefined
        ? `${lineLink(step.line)} <code>${escapeHtml(ruleText)}</code>`
        : '';
  const matched =
    step.matched === true
      ? 'matched'
      : step.matched === false
        ? 'not matched'
        : step.matched === 'undecidable'
          ? 'undecidable'
          : '';
  // The simulator's note already says "not matched: <which match>"; do not say it twice.
  const verdict = step.note?.startsWith(matched) ? '' : matched;
  const result = [
    verdict,
    step.action ? step.action.toUpperCase() + (step.to ? ` ${step.to}` : '') : '',
    step.note ?? '',
  ]
    .filter((x) => x !== '' && x !== 'CONTINUE')
    .map(escapeHtml)
    .join(' — ');
  const cls = `step step-${step.kind}${step.matched === true ? ' hit' : ''}`;
  return `<tr class="${escapeHtml(cls)}"><td>${escapeHtml(step.hook)}${step.pass > 0 ? ' (lo)' : ''}</td><td>${escapeHtml(where)}</td><td>${rule}</td><td>${result}</td><td>${escapeHtml(describeState(step.state))}</td></tr>`;
}

function describeState(s: TraceJsonState): string {
  return `${s.src}:${s.sport} → ${s.dst}:${s.dport} mark ${hex(s.mark)} ctmark ${hex(s.ctmark)} ${s.ctstate}`;
}

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16)}`;
}

/** Theme-following styles: only VS Code's CSS variables, no fixed colours. */
const styles = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-editor-foreground); background: var(--vscode-editor-background); padding: 0 16px 24px; }
h1 { font-size: 1.3em; } h2 { font-size: 1.1em; margin-top: 1.4em; }
code { font-family: var(--vscode-editor-font-family); }
a { color: var(--vscode-textLink-foreground); }
table.steps { border-collapse: collapse; width: 100%; margin-top: 8px; }
table.steps th, table.steps td { text-align: left; vertical-align: top; padding: 3px 6px; border-bottom: 1px solid var(--vscode-panel-border); }
tr.hit td { background: var(--vscode-editor-findMatchHighlightBackground); }
tr.step-conntrack td, tr.step-route td, tr.step-nat-skipped td, tr.step-loopback td { color: var(--vscode-descriptionForeground); font-style: italic; }
.final { font-size: 1.05em; }
.fate-drop b, .fate-reject b, .fate-loop b { color: var(--vscode-errorForeground); }
.picture { overflow-x: auto; }
svg.trace-path text { fill: var(--vscode-editor-foreground); font-family: var(--vscode-font-family); font-size: 12px; }
svg.trace-path .lane-bg { fill: var(--vscode-sideBar-background, transparent); stroke: var(--vscode-panel-border); }
svg.trace-path .lane-title { font-weight: bold; }
svg.trace-path .box rect { fill: var(--vscode-editor-background); stroke: var(--vscode-descriptionForeground); stroke-dasharray: 3 3; }
svg.trace-path .box.hit rect { stroke: var(--vscode-focusBorder); stroke-width: 2; stroke-dasharray: none; fill: var(--vscode-editor-selectionHighlightBackground, transparent); }
svg.trace-path .box .box-verdict { fill: var(--vscode-descriptionForeground); }
svg.trace-path .path { fill: none; stroke: var(--vscode-focusBorder); stroke-width: 2.5; stroke-opacity: 0.8; }
svg.trace-path .fate rect { fill: var(--vscode-button-background); }
svg.trace-path .fate text { fill: var(--vscode-button-foreground); font-weight: bold; }
svg.trace-path .fate-drop rect, svg.trace-path .fate-reject rect, svg.trace-path .fate-loop rect { fill: var(--vscode-inputValidation-errorBackground, var(--vscode-errorForeground)); }
`;
