/**
 * Runs one headless Neovim 0.7 session (lspClient.lua) against the bundled server over stdio and returns
 * what the client saw. Waits for the process's exit event; a kill timer guards against hangs.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { serverNodeFlags } from '../../common/serverFlags';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const serverPath = path.join(repoRoot, 'dist', 'server.js');
/** How Neovim starts the server: as the README's set-up does, with the extension's Node flags. */
const serverCommand = ['node', ...serverNodeFlags, serverPath, '--stdio'];

export interface NvimRequest {
  readonly method: string;
  readonly position?: { line: number; character: number };
  /** For textDocument/codeAction: the diagnostic code whose quick fixes to ask for. */
  readonly diagnosticCode?: string;
  /** Apply the first returned code action and wait until the diagnostic is gone. */
  readonly apply?: boolean;
}

export interface NvimDiagnostic {
  readonly lnum: number;
  readonly col: number;
  readonly end_lnum: number;
  readonly end_col: number;
  /** vim.diagnostic.severity: 1 error, 2 warning, 3 info, 4 hint. */
  readonly severity: number;
  readonly message: string;
  readonly source?: string;
  readonly code?: string | number;
}

export interface NvimResult {
  readonly errors: string[];
  readonly diagnostics: NvimDiagnostic[];
  readonly responses: unknown[];
  readonly textAfterFix?: string;
  readonly diagnosticsAfterFix?: NvimDiagnostic[];
}

/** Writes `text` to a throw-away file, runs Neovim with `requests`, resolves with the client's view. */
export function runNvim(fileName: string, text: string, requests: NvimRequest[] = []): Promise<NvimResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipl-e2e-nvim-'));
  const file = path.join(dir, fileName);
  const jobFile = path.join(dir, 'job.json');
  const outFile = path.join(dir, 'out.json');
  fs.writeFileSync(file, text);
  fs.writeFileSync(
    jobFile,
    JSON.stringify({ file, cmd: serverCommand, root: dir, requests, timeout: 10_000 }),
  );
  return new Promise((resolve, reject) => {
    const child = spawn(
      'nvim',
      [
        '--headless',
        '-n',
        '-i',
        'NONE',
        '-u',
        'NONE',
        '-c',
        `luafile ${path.join(__dirname, 'lspClient.lua')}`,
      ],
      {
        env: { ...process.env, IPL_NVIM_JOB: jobFile, IPL_NVIM_OUT: outFile },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', (error) => {
      clearTimeout(guard);
      reject(new Error(`cannot start nvim (apt-get install neovim): ${error.message}`));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      try {
        if (!fs.existsSync(outFile))
          throw new Error(`nvim exited (${code ?? signal}) without a result:\n${output}`);
        resolve(JSON.parse(fs.readFileSync(outFile, 'utf8')) as NvimResult);
      } catch (error) {
        reject(error);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
