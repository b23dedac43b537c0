// Preloaded by test/security/io-signals.test.ts: the process signals itself (SIGINT) the moment it
// writes a chunk on standard output that matches B12LINT_TEST_SIGNAL_AT (a regular expression),
// then stays busy a moment, so that the signal surely waits in the event loop as the run goes on
// (the race in which a signal that came at the very end was lost and the run exited 0).
const at = new RegExp(process.env.B12LINT_TEST_SIGNAL_AT ?? '$^');
const write = process.stdout.write.bind(process.stdout);
let sent = false;
process.stdout.write = (chunk, ...rest) => {
  const out = write(chunk, ...rest);
  if (!sent && at.test(String(chunk))) {
    sent = true;
    process.kill(process.pid, 'SIGINT');
    for (const until = Date.now() + 100; Date.now() < until;);
  }
  return out;
};
