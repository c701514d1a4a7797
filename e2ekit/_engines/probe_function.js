// Runs each probe's fetch() in order and reports what JavaScript could observe. Probes run one after another, not
// concurrently, so a cookie one probe sets is deterministically visible (or not) to the next.
async (probes) => {
  const outcomes = [];
  for (const probe of probes) {
    const init = {
      method: probe.method,
      headers: probe.headers,
      credentials: probe.credentials,
      mode: probe.mode,
      redirect: probe.redirect,
    };
    if (probe.body !== null) init.body = probe.body;
    const controller = new AbortController();
    init.signal = controller.signal;
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; controller.abort(); }, probe.timeout_ms);
    const started = performance.now();
    const outcome = { allowed: false, error: null, timed_out: false, status: null, type: null, headers: [], body: null };
    try {
      const response = await fetch(probe.url, init);
      outcome.allowed = true;
      outcome.status = response.status;
      outcome.type = response.type;
      outcome.headers = [...response.headers];
      try {
        outcome.body = (await response.text()).slice(0, probe.body_limit);
      } catch (error) {
        outcome.body = null;
      }
    } catch (error) {
      outcome.error = `${error.name}: ${error.message}`;
      outcome.timed_out = timedOut;
    } finally {
      clearTimeout(timer);
    }
    outcome.duration_ms = performance.now() - started;
    outcomes.push(outcome);
  }
  return outcomes;
}
