import * as crypto from 'crypto';
import * as vscode from 'vscode';
import type { TraceJsonResult } from '../../../common/traceProtocol';
import { renderTraceHtml } from './renderHtml';

/**
 * The one trace view: a webview showing the trace of the last request, with the rules the packet
 * matched highlighted in the source editor. Clicking a step reveals its line.
 */
export class TracePanel {
  private panel: vscode.WebviewPanel | undefined;
  private document: vscode.TextDocument | undefined;
  private readonly hitDecoration = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.findMatchHighlightBackground'),
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.findMatchForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Center,
  });

  dispose(): void {
    this.panel?.dispose();
    this.hitDecoration.dispose();
  }

  show(document: vscode.TextDocument, title: string, result: TraceJsonResult): void {
    this.document = document;
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(
        'iptablesLens.trace',
        title,
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: true, localResourceRoots: [], enableFindWidget: true },
      );
      this.panel.onDidDispose(() => {
        this.panel = undefined;
        this.clearDecorations();
      });
      this.panel.webview.onDidReceiveMessage((message: { type?: string; line?: number }) => {
        if (message.type === 'reveal' && typeof message.line === 'number') void this.reveal(message.line);
      });
    }
    this.panel.title = title;
    this.panel.webview.html = renderTraceHtml({
      title,
      result,
      lines: document.getText().split(/\r?\n/),
      nonce: crypto.randomBytes(16).toString('base64'),
      cspSource: this.panel.webview.cspSource,
    });
    this.panel.reveal(vscode.ViewColumn.Beside, true);
    this.decorate(result);
  }

  /** 1-based lines of every rule some packet of the trace matched. */
  static hitLines(result: TraceJsonResult): number[] {
    const lines = new Set<number>();
    for (const packet of result.packets) {
      for (const step of packet.steps)
        if (step.kind === 'rule' && step.matched === true && step.line) lines.add(step.line);
    }
    return [...lines].sort((a, b) => a - b);
  }

  private decorate(result: TraceJsonResult): void {
    const ranges = TracePanel.hitLines(result).map((l) => new vscode.Range(l - 1, 0, l - 1, 0));
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document === this.document) editor.setDecorations(this.hitDecoration, ranges);
    }
  }

  private clearDecorations(): void {
    for (const editor of vscode.window.visibleTextEditors) editor.setDecorations(this.hitDecoration, []);
  }

  private async reveal(line: number): Promise<void> {
    if (!this.document) return;
    const editor = await vscode.window.showTextDocument(this.document, {
      viewColumn: vscode.ViewColumn.One,
      preserveFocus: false,
    });
    const range = new vscode.Range(line - 1, 0, line - 1, 0);
    editor.selection = new vscode.Selection(range.start, range.start);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }
}
