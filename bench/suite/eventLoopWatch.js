// Preloaded into the benchmark's language server (`node -r`), never shipped: records every turn of the
// server's event loop that kept a 2 ms timer waiting more than 20 ms — a stall, whether the server ran
// one long step or the machine did not run it — and writes them at exit to the JSON file named by
// IPL_BENCH_STALLS_FILE, as [start, duration] pairs in milliseconds since the Unix epoch, the clock
// the benchmark's client reads too.
'use strict';
const fs = require('fs');
const { performance } = require('perf_hooks');

const file = process.env.IPL_BENCH_STALLS_FILE;
if (file) {
  const tickMs = 2;
  const stallMs = 20;
  const stalls = [];
  const now = () => performance.timeOrigin + performance.now();
  let last = now();
  setInterval(() => {
    const at = now();
    if (at - last > stallMs + tickMs) stalls.push([Math.round(last), Math.round(at - last - tickMs)]);
    last = at;
  }, tickMs).unref();
  process.on('exit', () => fs.writeFileSync(file, JSON.stringify(stalls)));
}
