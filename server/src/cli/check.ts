import { createLanguageService } from '../languageService';
import type { Settings } from '../settings';
import { defaultSettings } from '../settings';
import type { CliIo } from './io';
import { exitCodes } from './io';
import type { CheckFormat, FileFindings } from './checkFormats';
import { formatJson, formatSarif, formatText } from './checkFormats';
import { unusableInputReason } from './inputGuard';

const usage = `usage: iptables-lens check [--format text|json|sarif] [--disable CODE]... [--classify] FILE...
  --classify  also print what each file is (e.g. which Istio rule set and version it matches)
  FILE may be - for standard input.
exit status: 0 no error or warning, 1 errors or warnings found, 2 usage or I/O error, or an input
that is empty or does not look like an iptables-save file (no line is a *table header, a :CHAIN
declaration, COMMIT or an iptables command such as -A)`;

interface CheckOptions {
  readonly format: CheckFormat;
  readonly files: readonly string[];
  readonly disabled: ReadonlySet<string>;
  readonly classify: boolean;
}

/** `iptables-lens check`: the same findings the editor shows, for terminals and CI. */
export async function runCheck(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCheckArgs(argv);
  if ('error' in parsed) {
    io.stderr(`iptables-lens check: ${parsed.error}\n${usage}\n`);
    return exitCodes.usage;
  }
  const service = createLanguageService();
  const settings: Settings = {
    ...defaultSettings,
    // No size limit: a CI job or a terminal can wait for every check, unlike an editor.
    diagnostics: {
      ...defaultSettings.diagnostics,
      disabledCodes: parsed.disabled,
      maxFileSizeForAnalysis: Number.POSITIVE_INFINITY,
    },
  };
  const results: FileFindings[] = [];
  for (const file of parsed.files) {
    let text: string;
    try {
      text = file === '-' ? await io.readStdin() : await io.readFile(file);
    } catch (error) {
      io.stderr(`iptables-lens check: ${(error as Error).message}\n`);
      return exitCodes.usage;
    }
    const doc = service.parse(text);
    const unusable = unusableInputReason(file === '-' ? '<stdin>' : file, doc);
    if (unusable !== undefined) {
      io.stderr(`iptables-lens check: ${unusable}\n`);
      return exitCodes.usage;
    }
    const findings = service.getFindings(doc, settings).filter((f) => !parsed.disabled.has(f.code));
    results.push({
      file: file === '-' ? '<stdin>' : file,
      findings,
      ...(parsed.classify ? { classification: service.getClassification(doc) } : {}),
    });
  }
  const render = { text: formatText, json: formatJson, sarif: formatSarif }[parsed.format];
  io.stdout(render(results));
  const blocking = results.some((r) =>
    r.findings.some((f) => f.severity === 'error' || f.severity === 'warning'),
  );
  return blocking ? exitCodes.findings : exitCodes.clean;
}

function parseCheckArgs(argv: readonly string[]): CheckOptions | { error: string } {
  let format: CheckFormat = 'text';
  const files: string[] = [];
  const disabled = new Set<string>();
  let classify = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    if (flag === '--format' || flag === '-f') {
      const value = inline ?? argv[++i];
      if (value !== 'text' && value !== 'json' && value !== 'sarif') {
        return {
          error: `--format must be text, json or sarif (got ${value === undefined ? 'nothing' : `'${value}'`})`,
        };
      }
      format = value;
    } else if (flag === '--disable') {
      const value = inline ?? argv[++i];
      if (!value) return { error: '--disable needs a diagnostic code' };
      value.split(',').forEach((c) => disabled.add(c.trim()));
    } else if (arg === '--classify') {
      classify = true;
    } else if (arg === '-' || !arg.startsWith('-')) {
      files.push(arg);
    } else {
      return { error: `unknown option '${arg}'` };
    }
  }
  if (files.length === 0) return { error: 'no FILE given' };
  return { format, files, disabled, classify };
}
