/**
 * Quoting the way iptables-save writes free-text values (`--comment`, `--log-prefix`):
 * xtables_save_string() in iptables' libxtables/xtables.c leaves a value bare only when it is
 * non-empty and made of `[A-Za-z0-9_-]`; anything else is double-quoted with `"`, `\` and `'`
 * backslash-escaped. Observed with iptables-save 1.8.9: `a.b` → `"a.b"`, `a_b-1` stays bare.
 */
export function saveQuote(value: string): string {
  if (/^[A-Za-z0-9_-]+$/.test(value)) return value;
  return `"${value.replace(/["\\']/g, (c) => `\\${c}`)}"`;
}
