/** The version reported by the server (serverInfo), the CLI (--version) and SARIF output. Keep in step with package.json. */
export const serverVersion = '0.1.0';
