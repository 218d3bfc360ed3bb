/**
 * Custom LSP requests shared by the server and the VS Code client (and documented for other clients).
 * Types only, so both sides compile against the same shapes.
 */

/** `iptables/expectedRuleSet`: the Istio rule set the file should contain, for a diff view. */
export const expectedRuleSetMethod = 'iptables/expectedRuleSet';
export interface ExpectedRuleSetParams {
  readonly uri: string;
}
/** `null` when the file is not an Istio rule set we know an expected form for. */
export type ExpectedRuleSetResult = { readonly title: string; readonly text: string } | null;

/** `iptables/validateWithTool`: run the system's iptables-restore on the document (opt-in, trusted workspaces only). */
export const validateWithToolMethod = 'iptables/validateWithTool';
export interface ValidateWithToolParams {
  readonly uri: string;
  /** `test` = `iptables-restore --test`; `load` = a real load into a throw-away network namespace. */
  readonly mode: 'test' | 'load';
  /**
   * The client vouches that the user trusts the workspace (VS Code: `workspace.isTrusted`). The
   * server runs nothing unless this is `true`, so a client that does not know about trust never
   * starts a process by accident.
   */
  readonly trusted?: boolean;
}
/** The tool's complaints as LSP diagnostics (source `iptables-restore`), or why the tool could not run. */
export type ValidateWithToolResult =
  | { readonly ok: true; readonly tool: string; readonly diagnostics: readonly ToolDiagnostic[] }
  | { readonly ok: false; readonly message: string };

/** An LSP Diagnostic, restated here so `common/` depends on nothing. */
export interface ToolDiagnostic {
  readonly range: {
    readonly start: { readonly line: number; readonly character: number };
    readonly end: { readonly line: number; readonly character: number };
  };
  readonly severity: 1 | 2 | 3 | 4;
  readonly code?: string;
  readonly source: string;
  readonly message: string;
}
