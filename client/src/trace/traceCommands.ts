import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { TraceResponse, TraceScenarioInfo } from '../../../common/traceProtocol';
import { traceRequestMethod, traceScenariosRequestMethod } from '../../../common/traceProtocol';
import { TracePanel } from './tracePanel';

const historyKey = 'iptablesLens.packetSpecHistory';
const historySize = 20;

/**
 * `iptables-lens: Trace a packet…` (scenario list + spec input with history) and
 * `iptablesLens.showTrace` (what the code lenses run). Both ask the server (`iptables/trace`) and show
 * the answer in the trace view.
 */
export function registerTraceUi(context: vscode.ExtensionContext, client: LanguageClient): void {
  const panel = new TracePanel();
  context.subscriptions.push(
    { dispose: () => panel.dispose() },
    vscode.commands.registerCommand(
      'iptablesLens.showTrace',
      async (uri?: string, request?: { scenario?: string; packet?: string }) => {
        const document = await documentFor(uri);
        if (!document || !request) return;
        await runTrace(client, panel, document, request);
      },
    ),
    vscode.commands.registerCommand('iptablesLens.tracePacket', async () => {
      const document = vscode.window.activeTextEditor?.document;
      if (!document || document.languageId !== 'iptables') {
        void vscode.window.showInformationMessage(
          'iptables-lens: open an iptables-save file to trace a packet through it.',
        );
        return;
      }
      const request = await pickTrace(context, client, document);
      if (request) await runTrace(client, panel, document, request);
    }),
  );
}

async function documentFor(uri: string | undefined): Promise<vscode.TextDocument | undefined> {
  if (uri) return vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  return vscode.window.activeTextEditor?.document;
}

async function runTrace(
  client: LanguageClient,
  panel: TracePanel,
  document: vscode.TextDocument,
  request: { scenario?: string; packet?: string },
): Promise<void> {
  const response = await client.sendRequest<TraceResponse>(traceRequestMethod, {
    uri: document.uri.toString(),
    ...request,
  });
  if (!response.result) {
    void vscode.window.showErrorMessage(`iptables-lens: ${response.error ?? 'the trace failed'}`);
    return;
  }
  const title = request.scenario ? `Trace: ${request.scenario}` : `Trace: ${request.packet}`;
  panel.show(document, title, response.result);
}

interface TracePick extends vscode.QuickPickItem {
  readonly request?: { scenario?: string; packet?: string };
  readonly enterSpec?: boolean;
}

async function pickTrace(
  context: vscode.ExtensionContext,
  client: LanguageClient,
  document: vscode.TextDocument,
): Promise<{ scenario?: string; packet?: string } | undefined> {
  const scenarios = await client.sendRequest<TraceScenarioInfo[]>(traceScenariosRequestMethod, {
    uri: document.uri.toString(),
  });
  const history = context.workspaceState.get<string[]>(historyKey, []);
  const items: TracePick[] = [
    { label: '$(edit) Enter a packet spec…', enterSpec: true, alwaysShow: true },
    ...(history.length > 0
      ? [{ label: 'Recent packets', kind: vscode.QuickPickItemKind.Separator } as TracePick]
      : []),
    ...history.map((spec) => ({ label: spec, request: { packet: spec } })),
    ...(scenarios.length > 0
      ? [{ label: 'Scenarios', kind: vscode.QuickPickItemKind.Separator } as TracePick]
      : []),
    ...scenarios.map((s) => ({
      label: s.title,
      description: s.name,
      detail: s.description,
      request: { scenario: s.name },
    })),
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Trace a packet',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!picked) return undefined;
  if (!picked.enterSpec) return picked.request;
  const spec = await vscode.window.showInputBox({
    title: 'Packet to trace',
    prompt:
      'PROTO SRC:PORT -> DST:PORT [out|in|fwd] [iif=IF] [oif=IF] [mark=N] [ctmark=N] [ctstate=S] [uid=N] [gid=N]',
    value: history[0] ?? 'tcp 10.244.0.5:43210 -> 10.96.0.10:8080 out',
    validateInput: async (value) => {
      const probe = await client.sendRequest<TraceResponse>(traceRequestMethod, {
        uri: document.uri.toString(),
        packet: value,
      });
      return probe.error ?? null;
    },
  });
  if (!spec) return undefined;
  await context.workspaceState.update(
    historyKey,
    [spec, ...history.filter((h) => h !== spec)].slice(0, historySize),
  );
  return { packet: spec };
}
