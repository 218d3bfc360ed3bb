import type { TraceJsonPacket, TraceJsonStep } from '../../../common/traceProtocol';
import { escapeHtml } from './escape';

/** One lane of the picture: a hook on one pass through the stack (pass 1 = after looping back on lo). */
interface Lane {
  readonly hook: string;
  readonly pass: number;
  readonly boxes: Box[];
}

/** One box: a table's chain as the packet visited it, with what happened there. */
interface Box {
  readonly table: string;
  readonly chain: string;
  /** A rule matched in this chain (the packet's path is emphasised through these). */
  hit: boolean;
  /** The last verdict or action seen in the chain (ACCEPT, REDIRECT, JUMP ISTIO_OUTPUT …). */
  verdict: string;
  /** 1-based lines of the rules that matched here. */
  readonly lines: number[];
}

const laneWidth = 190;
const boxHeight = 46;
const boxGap = 14;
const headerHeight = 34;
const margin = 12;

/**
 * Draws the path of one packet as SVG: hooks as lanes from left to right in the order the packet met
 * them, the chains it visited as boxes (top to bottom in visiting order), matched chains emphasised, a
 * line connecting the visited boxes, and the final fate at the end. Colours come from CSS classes the
 * page styles with VS Code's theme variables, so the picture follows the theme.
 */
export function renderPathSvg(packet: TraceJsonPacket): string {
  const lanes = lanesOf(packet.steps);
  const tallest = Math.max(1, ...lanes.map((l) => l.boxes.length));
  const fateWidth = 150;
  const width = margin * 2 + lanes.length * laneWidth + fateWidth;
  const height = margin * 2 + headerHeight + tallest * (boxHeight + boxGap);
  const parts: string[] = [];
  const centers: { x: number; y: number; hit: boolean }[] = [];

  lanes.forEach((lane, i) => {
    const x = margin + i * laneWidth;
    parts.push(
      `<g class="lane" data-hook="${escapeHtml(lane.hook)}">`,
      `<rect class="lane-bg" x="${x}" y="${margin}" width="${laneWidth - 8}" height="${height - margin * 2}" rx="6"/>`,
      `<text class="lane-title" x="${x + (laneWidth - 8) / 2}" y="${margin + 21}" text-anchor="middle">${escapeHtml(lane.hook)}${lane.pass > 0 ? ' (lo)' : ''}</text>`,
    );
    lane.boxes.forEach((box, j) => {
      const y = margin + headerHeight + j * (boxHeight + boxGap);
      const bx = x + 10;
      const bw = laneWidth - 28;
      centers.push({ x: bx + bw / 2, y: y + boxHeight / 2, hit: box.hit });
      const lines = box.lines.length > 0 ? ` data-lines="${box.lines.join(',')}"` : '';
      parts.push(
        `<g class="box${box.hit ? ' hit' : ''}"${lines}>`,
        `<title>${escapeHtml(`${box.table}:${box.chain} — ${box.verdict}`)}</title>`,
        `<rect x="${bx}" y="${y}" width="${bw}" height="${boxHeight}" rx="4"/>`,
        `<text class="box-chain" x="${bx + 8}" y="${y + 18}">${escapeHtml(`${box.table} ${box.chain}`)}</text>`,
        `<text class="box-verdict" x="${bx + 8}" y="${y + 36}">${escapeHtml(box.verdict)}</text>`,
        `</g>`,
      );
    });
    parts.push('</g>');
  });

  const fateX = margin + lanes.length * laneWidth;
  const fateY = margin + headerHeight;
  const fate = packet.final.fate;
  centers.push({ x: fateX + fateWidth / 2 - 4, y: fateY + boxHeight / 2, hit: true });
  parts.push(
    `<g class="fate fate-${escapeHtml(fate)}">`,
    `<rect x="${fateX}" y="${fateY}" width="${fateWidth - 8}" height="${boxHeight}" rx="23"/>`,
    `<text x="${fateX + (fateWidth - 8) / 2}" y="${fateY + 28}" text-anchor="middle">${escapeHtml(fateLabel(packet))}</text>`,
    `</g>`,
  );

  const path = centers.map((c, i) => `${i === 0 ? 'M' : 'L'}${c.x.toFixed(1)},${c.y.toFixed(1)}`).join(' ');
  const pathElement = centers.length > 1 ? `<path class="path" d="${path}"/>` : '';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="trace-path" role="img" aria-label="${escapeHtml(`Path of ${packet.description}`)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    // The path goes first so the boxes and their text sit on top of it.
    pathElement,
    ...parts,
    '</svg>',
  ].join('\n');
}

function fateLabel(packet: TraceJsonPacket): string {
  const f = packet.final;
  if (f.fate !== 'accept') return f.fate.toUpperCase();
  if (f.delivered === 'local') return `local :${f.socketPort ?? f.dport}`;
  if (f.delivered === 'out') return `out ${f.oif ?? ''}`.trim();
  return 'forwarded';
}

/** Groups the steps into lanes (hook × pass) and boxes (table:chain), in visiting order. */
function lanesOf(steps: readonly TraceJsonStep[]): Lane[] {
  const lanes: Lane[] = [];
  for (const step of steps) {
    if (step.table === undefined || step.chain === undefined) continue;
    let lane = lanes[lanes.length - 1];
    if (!lane || lane.hook !== step.hook || lane.pass !== step.pass) {
      lane = { hook: step.hook, pass: step.pass, boxes: [] };
      lanes.push(lane);
    }
    let box = lane.boxes[lane.boxes.length - 1];
    if (!box || box.table !== step.table || box.chain !== step.chain) {
      box = { table: step.table, chain: step.chain, hit: false, verdict: '', lines: [] };
      lane.boxes.push(box);
    }
    if (step.kind === 'rule' && step.matched === true) {
      box.hit = true;
      if (step.line !== undefined) box.lines.push(step.line);
      box.verdict = describeAction(step);
    } else if (step.kind === 'policy') {
      box.verdict = `policy ${(step.action ?? '').toUpperCase()}`;
    } else if (step.kind === 'return' && box.verdict === '') {
      box.verdict = 'no rule matched — return';
    } else if (step.kind === 'loop') {
      box.hit = true;
      box.verdict = 'LOOP';
    }
  }
  return lanes;
}

function describeAction(step: TraceJsonStep): string {
  const action = (step.action ?? '').toUpperCase();
  if (step.to) return `${action} ${step.to}`;
  return `${action}${step.line !== undefined ? ` (line ${step.line})` : ''}`;
}
