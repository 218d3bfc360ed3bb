import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type {
  ExpectedRuleSetResult,
  ValidateWithToolParams,
  ValidateWithToolResult,
} from '../../common/requests';
import { expectedRuleSetMethod, validateWithToolMethod } from '../../common/requests';

const expectedScheme = 'iptables-lens-expected';

/**
 * Editor commands that are thin wrappers over server requests: normalise (format to the canonical
 * iptables-save form), compare with the expected Istio rule set, validate with the real tool, and
 * show the Istio classification. Everything they compute comes from the server.
 */
export function registerCommands(context: vscode.ExtensionContext, client: LanguageClient): void {
  const expectedTexts = new Map<string, string>();
  const toolDiagnostics = vscode.languages.createDiagnosticCollection('iptables-restore');
  context.subscriptions.push(
    toolDiagnostics,
    vscode.workspace.registerTextDocumentContentProvider(expectedScheme, {
      provideTextDocumentContent: (uri) => expectedTexts.get(uri.toString()) ?? '',
    }),
    // The tool's verdict belongs to one version of the text; drop it on the first edit.
    vscode.workspace.onDidChangeTextDocument((e) => toolDiagnostics.delete(e.document.uri)),
    vscode.commands.registerCommand('iptablesLens.normalize', async () => {
      const editor = activeIptablesEditor();
      if (editor) await vscode.commands.executeCommand('editor.action.formatDocument');
    }),
    vscode.commands.registerCommand('iptablesLens.compareWithExpected', async () => {
      const editor = activeIptablesEditor();
      if (!editor) return;
      const result = await client.sendRequest<ExpectedRuleSetResult>(expectedRuleSetMethod, {
        uri: editor.document.uri.toString(),
      });
      if (!result) {
        void vscode.window.showInformationMessage(
          'iptables-lens: this file is not an Istio rule set with a known expected form.',
        );
        return;
      }
      const right = vscode.Uri.from({ scheme: expectedScheme, path: `/${result.title}.rules` });
      expectedTexts.set(right.toString(), result.text);
      await vscode.commands.executeCommand(
        'vscode.diff',
        editor.document.uri,
        right,
        `Actual ↔ ${result.title}`,
      );
    }),
    vscode.commands.registerCommand('iptablesLens.validateWithTool', async () => {
      const editor = activeIptablesEditor();
      if (!editor) return;
      if (!vscode.workspace.isTrusted) {
        void vscode.window.showWarningMessage(
          'iptables-lens: validation runs the system iptables-restore and is only available in a trusted workspace.',
        );
        return;
      }
      const mode = vscode.workspace
        .getConfiguration('iptablesLens')
        .get<'off' | 'test' | 'load'>('validation.realTool');
      const result = await client.sendRequest<ValidateWithToolResult>(validateWithToolMethod, {
        uri: editor.document.uri.toString(),
        mode: mode === 'load' ? 'load' : 'test',
        trusted: vscode.workspace.isTrusted,
      } satisfies ValidateWithToolParams);
      if (!result.ok) {
        void vscode.window.showWarningMessage(`iptables-lens: ${result.message}`);
        return;
      }
      toolDiagnostics.set(
        editor.document.uri,
        result.diagnostics.map((d) => {
          const diagnostic = new vscode.Diagnostic(
            new vscode.Range(
              d.range.start.line,
              d.range.start.character,
              d.range.end.line,
              d.range.end.character,
            ),
            d.message,
            d.severity - 1,
          );
          diagnostic.source = d.source;
          if (d.code) diagnostic.code = d.code;
          return diagnostic;
        }),
      );
      void vscode.window.showInformationMessage(
        result.diagnostics.length === 0
          ? `iptables-lens: ${result.tool} accepts this file.`
          : `iptables-lens: ${result.tool} rejects this file (see Problems).`,
      );
    }),
    vscode.commands.registerCommand('iptablesLens.showClassification', (label?: string) => {
      if (typeof label === 'string') void vscode.window.showInformationMessage(label);
    }),
  );
}

function activeIptablesEditor(): vscode.TextEditor | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'iptables') {
    void vscode.window.showInformationMessage('iptables-lens: open an iptables-save file first.');
    return undefined;
  }
  return editor;
}
