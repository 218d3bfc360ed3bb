// Smoke test of the INSTALLED .vsix (not the dev folder), run inside code-server's extension host.
// Plain CommonJS + mocha 11 (tdd) so it needs no build step; mocha is resolved from the repo's node_modules.
'use strict';

const path = require('node:path');
const Mocha = require(
  require.resolve('mocha', { paths: [process.env.IPL_E2E_REPO || path.resolve(__dirname, '../../..')] }),
);

exports.run = () =>
  new Promise((resolve, reject) => {
    const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60000 });
    mocha.addFile(path.join(__dirname, 'smoke.test.js'));
    const runner = mocha.run((failures) => {
      console.log(`${runner.stats.passes} passed, ${runner.stats.failures} failed`);
      failures ? reject(new Error(`${failures} smoke tests failed`)) : resolve();
    });
  });
