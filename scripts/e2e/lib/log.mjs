// One prefix for everything the e2e run prints, with seconds since start, so CI logs show where time goes.
const started = Date.now();

export function log(message) {
  const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  console.log(`[e2e ${seconds}s] ${message}`);
}

export function elapsedSeconds() {
  return (Date.now() - started) / 1000;
}
