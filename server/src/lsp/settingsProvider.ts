import type { Connection } from 'vscode-languageserver/node';
import type { Settings } from '../settings';
import { defaultSettings, parseSettings } from '../settings';
import { logError } from './runSafe';

/**
 * Pulls `iptablesLens` settings per document from the client (ARCHITECTURE rule 9) and caches them
 * until the client says the configuration changed. Clients without workspace/configuration get the
 * settings passed in initializationOptions, or the defaults.
 */
export class SettingsProvider {
  private readonly cache = new Map<string, Promise<Settings>>();
  private fallback: Settings = defaultSettings;

  constructor(
    private readonly connection: Connection,
    private readonly canPull: boolean,
  ) {}

  setFallback(raw: unknown): void {
    this.fallback = raw === undefined ? defaultSettings : parseSettings(raw);
  }

  get(uri: string): Promise<Settings> {
    if (!this.canPull) return Promise.resolve(this.fallback);
    let settings = this.cache.get(uri);
    if (!settings) {
      settings = this.connection.workspace
        .getConfiguration({ scopeUri: uri, section: 'iptablesLens' })
        .then((raw: unknown) => (raw === null || raw === undefined ? this.fallback : parseSettings(raw)))
        .catch((error: unknown) => {
          logError(this.connection, 'workspace/configuration', error);
          return this.fallback;
        });
      this.cache.set(uri, settings);
    }
    return settings;
  }

  clear(): void {
    this.cache.clear();
  }
}
