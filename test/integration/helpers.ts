/**
 * Helpers for the integration suite. They use only the `vscode` API (plus Node's fs for the throw-away
 * workspace and /proc for finding the server process) and read paths from environment variables, so the
 * same tests run under code-server and under @vscode/test-electron. Every wait is event-driven with a
 * guard timeout that fails the test; nothing sleeps.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

/** The extension's id: `publisher.name` from package.json. */
export const extensionId = 'iptables-lens.iptables-lens';
/** The language id contributed in package.json. */
export const languageId = 'iptables';
/** The `source` every diagnostic of ours carries (ARCHITECTURE.md, Names). */
export const diagnosticSource = 'iptables-lens';

/** Root of the repository (fixtures live under test/fixtures). */
export function repoRoot(): string {
  return process.env.IPL_E2E_REPO || path.resolve(__dirname, '..', '..', '..');
}

/** The throw-away folder the editor opened; tests write their documents here. */
export function workspaceRoot(): string {
  const fromEnv = process.env.IPL_E2E_WORKSPACE;
  if (fromEnv) return fromEnv;
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder open and IPL_E2E_WORKSPACE unset');
  return folder.uri.fsPath;
}

/** Reads a file under test/fixtures (real dumps with attribution in test/fixtures/SOURCES.md). */
export function readFixture(relative: string): string {
  return fs.readFileSync(path.join(repoRoot(), 'test', 'fixtures', relative), 'utf8');
}

/** Joins document lines with LF and ends with a final newline, as iptables-save writes. */
export function lines(...text: string[]): string {
  return `${text.join('\n')}\n`;
}

/** Writes `text` to a new file in the workspace and opens it in an editor. */
export async function openWorkspaceDocument(name: string, text: string): Promise<vscode.TextEditor> {
  const file = path.join(workspaceRoot(), name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  return vscode.window.showTextDocument(document, { preview: false });
}

/** Our diagnostics for `uri` (other extensions' diagnostics are ignored). */
export function ourDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === diagnosticSource);
}

/** The string code of a diagnostic, whether it was sent as a plain code or as `{ value, target }`. */
export function codeOf(diagnostic: vscode.Diagnostic): string {
  const code = diagnostic.code;
  if (code === undefined) return '';
  return typeof code === 'object' ? String(code.value) : String(code);
}

/** One diagnostic as a readable line for failure messages. */
export function describe(diagnostic: vscode.Diagnostic): string {
  const { start, end } = diagnostic.range;
  const severity = vscode.DiagnosticSeverity[diagnostic.severity];
  return `${start.line}:${start.character}-${end.line}:${end.character} ${severity} ${codeOf(diagnostic)} ${diagnostic.message}`;
}

/**
 * Resolves with our diagnostics for `uri` as soon as `accept` returns true for them: checks the current
 * state first, then re-checks on every `onDidChangeDiagnostics` event for this uri.
 */
export function waitForDiagnostics(
  uri: vscode.Uri,
  accept: (diagnostics: vscode.Diagnostic[]) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const current = ourDiagnostics(uri);
      if (!accept(current)) return false;
      cleanup();
      resolve(current);
      return true;
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((u) => u.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      cleanup();
      const current = ourDiagnostics(uri).map(describe).join('\n  ') || '(none)';
      reject(
        new Error(`timed out waiting for ${what} on ${uri.toString()}; current diagnostics:\n  ${current}`),
      );
    }, timeoutMs);
    function cleanup(): void {
      clearTimeout(timer);
      subscription.dispose();
    }
    check();
  });
}

/** Resolves with the first event value `accept` takes, or rejects after `timeoutMs`. */
export function waitForEvent<T>(
  event: vscode.Event<T>,
  accept: (value: T) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`timed out waiting for ${what}`));
    }, timeoutMs);
    const subscription = event((value) => {
      if (!accept(value)) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(value);
    });
  });
}

/** Position of the `occurrence`-th (0-based) appearance of `needle` on the line containing `lineNeedle`. */
export function positionOf(
  document: vscode.TextDocument,
  lineNeedle: string,
  needle: string,
  occurrence = 0,
): vscode.Position {
  for (let line = 0; line < document.lineCount; line++) {
    const text = document.lineAt(line).text;
    if (!text.includes(lineNeedle)) continue;
    let column = -1;
    for (let i = 0; i <= occurrence; i++) {
      column = text.indexOf(needle, column + 1);
      if (column < 0) break;
    }
    if (column >= 0) return new vscode.Position(line, column);
  }
  throw new Error(`no line containing ${JSON.stringify(lineNeedle)} with ${JSON.stringify(needle)}`);
}

/** 0-based line number of the first line equal to `text` (after `fromLine`). */
export function lineOf(document: vscode.TextDocument, text: string, fromLine = 0): number {
  for (let line = fromLine; line < document.lineCount; line++)
    if (document.lineAt(line).text === text) return line;
  throw new Error(`no line equal to ${JSON.stringify(text)}`);
}

/** Hover text of every hover at `position`, joined, with markdown left as written. */
export async function hoverText(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
    'vscode.executeHoverProvider',
    uri,
    position,
  );
  return (hovers ?? [])
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}

/** Removes the first line equal to `rule` from `text` (a dump), failing loudly if it is not there. */
export function withoutLine(text: string, rule: string): string {
  const all = text.split('\n');
  const index = all.indexOf(rule);
  if (index < 0) throw new Error(`fixture has no line ${JSON.stringify(rule)}`);
  all.splice(index, 1);
  return all.join('\n');
}

/** Swaps two whole lines of `text`. */
export function withSwappedLines(text: string, first: string, second: string): string {
  const all = text.split('\n');
  const a = all.indexOf(first);
  const b = all.indexOf(second);
  if (a < 0 || b < 0) throw new Error(`fixture lacks ${JSON.stringify(a < 0 ? first : second)}`);
  [all[a], all[b]] = [all[b], all[a]];
  return all.join('\n');
}

/** The extension under test; fails when it is not installed/loaded at all. */
export function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(extensionId);
  if (!ext) throw new Error(`extension ${extensionId} is not loaded`);
  return ext;
}

/** A running process: pid and its command line. */
export interface ProcessInfo {
  readonly pid: number;
  readonly commandLine: string;
}

/**
 * Language-server processes started by this extension host: descendants of this process whose command line
 * runs `server.js`. Reads /proc, so Linux only (both launchers run there in CI).
 */
export function serverProcesses(): ProcessInfo[] {
  const parents = new Map<number, number>();
  const commands = new Map<number, string>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (ppid) follows the parenthesised command name, which may itself contain spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
      commands.set(
        Number(entry),
        fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim(),
      );
    } catch {
      // The process ended while we looked; it cannot be ours then.
    }
  }
  const isDescendant = (pid: number): boolean => {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p))
      if (p === process.pid) return true;
    return false;
  };
  return [...commands]
    .filter(([pid, command]) => /server\.js(\s|$)/.test(command) && isDescendant(pid))
    .map(([pid, commandLine]) => ({ pid, commandLine }));
}

/**
 * Closes every editor so each test starts from a clean window. Edited documents are reverted first:
 * closing a dirty editor would otherwise save it (running save participants) or ask, depending on the host.
 */
export async function closeAllEditors(): Promise<void> {
  for (const document of vscode.workspace.textDocuments.filter((d) => d.isDirty)) {
    await vscode.window.showTextDocument(document, { preview: false });
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
