/**
 * The option name each module's save() prints, for options whose knowledge-base name is the long
 * getopt form (libxt_tcp/libxt_udp print `--sport`/`--dport`, libxt_multiport `--sports`/`--dports`).
 */
const saveNames: Readonly<Record<string, string>> = {
  'source-port': 'sport',
  'destination-port': 'dport',
  'source-ports': 'sports',
  'destination-ports': 'dports',
};

export function saveOptionName(name: string): string {
  return saveNames[name] ?? name;
}
