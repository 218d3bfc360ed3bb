/**
 * User settings, as pulled from the client (`workspace/configuration`, section `iptablesLens`) or given to
 * the CLI. Normalised once by parseSettings and passed to the language service per call (ARCHITECTURE rule 9).
 */
export interface Settings {
  readonly diagnostics: {
    /** Diagnostic codes the user switched off. */
    readonly disabledCodes: ReadonlySet<string>;
    /** Above this many UTF-16 code units only syntax is checked. */
    readonly maxFileSizeForAnalysis: number;
  };
}

export const defaultSettings: Settings = {
  diagnostics: {
    disabledCodes: new Set(),
    maxFileSizeForAnalysis: 5_000_000,
  },
};

/** Turns whatever the client sent into valid Settings; anything malformed falls back to the default. */
export function parseSettings(raw: unknown): Settings {
  const root = isRecord(raw) ? raw : {};
  const diagnostics = isRecord(root.diagnostics) ? root.diagnostics : {};
  const codes = Array.isArray(diagnostics.disabledCodes)
    ? diagnostics.disabledCodes.filter((c): c is string => typeof c === 'string')
    : [];
  const maxSize = diagnostics.maxFileSizeForAnalysis;
  return {
    diagnostics: {
      disabledCodes: new Set(codes),
      maxFileSizeForAnalysis:
        typeof maxSize === 'number' && Number.isFinite(maxSize) && maxSize >= 0
          ? maxSize
          : defaultSettings.diagnostics.maxFileSizeForAnalysis,
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
