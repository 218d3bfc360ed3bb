/**
 * The Node flags the language server is started with, by the VS Code client, the benchmarks, the
 * tests and the Neovim set-up in the README (a flag like this cannot be set once V8 is running).
 *
 * `--max-semi-space-size=4` caps V8's young generation at 4 MB per semi-space instead of 16 MB.
 * Opening a node dump creates millions of short-lived objects: with the default the young generation
 * grows to 32 MB and stays there, and each scavenge copies more. Measured on the 150,000- and
 * 450,000-line benchmark dumps, the server's peak memory drops by 20–40 MB with the same open time.
 */
export const serverNodeFlags: readonly string[] = ['--max-semi-space-size=4'];
