/**
 * User settings, as pulled from the client (`workspace/configuration`, section `iptablesLens`) or given to
 * the CLI. Normalised once by parseSettings and passed to the language service per call (ARCHITECTURE rule 9).
 */
export interface Settings {
  readonly diagnostics: {
    /** Diagnostic codes the user switched off. */
    readonly disabledCodes: ReadonlySet<string>;
    /** Above this many UTF-16 code units only the syntax and Istio checks run. */
    readonly maxFileSizeForAnalysis: number;
    /** At most this many diagnostics are published per document (errors first); a note says how many more. */
    readonly maxNumberOfProblems: number;
  };
  readonly validation: {
    /**
     * Run the system's iptables-restore on request: `off`, `test` (`--test`) or `load` (a real load into a
     * throw-away network namespace). The client only sends the request in trusted workspaces.
     */
    readonly realTool: 'off' | 'test' | 'load';
  };
}

export const defaultSettings: Settings = {
  diagnostics: {
    disabledCodes: new Set(),
    maxFileSizeForAnalysis: 5_000_000,
    maxNumberOfProblems: 1000,
  },
  validation: { realTool: 'off' },
};

/** Turns whatever the client sent into valid Settings; anything malformed falls back to the default. */
export function parseSettings(raw: unknown): Settings {
  const root = isRecord(raw) ? raw : {};
  const diagnostics = isRecord(root.diagnostics) ? root.diagnostics : {};
  const codes = Array.isArray(diagnostics.disabledCodes)
    ? diagnostics.disabledCodes.filter((c): c is string => typeof c === 'string')
    : [];
  const maxSize = diagnostics.maxFileSizeForAnalysis;
  const maxProblems = diagnostics.maxNumberOfProblems;
  const validation = isRecord(root.validation) ? root.validation : {};
  const realTool = validation.realTool;
  return {
    diagnostics: {
      disabledCodes: new Set(codes),
      maxFileSizeForAnalysis:
        typeof maxSize === 'number' && Number.isFinite(maxSize) && maxSize >= 0
          ? maxSize
          : defaultSettings.diagnostics.maxFileSizeForAnalysis,
      maxNumberOfProblems:
        typeof maxProblems === 'number' && Number.isInteger(maxProblems) && maxProblems >= 1
          ? maxProblems
          : defaultSettings.diagnostics.maxNumberOfProblems,
    },
    validation: {
      realTool: realTool === 'test' || realTool === 'load' ? realTool : 'off',
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
