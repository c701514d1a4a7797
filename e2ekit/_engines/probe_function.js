// Runs each probe's fetch() and reports what JavaScript could observe, in the order of `probes`. The probes of one
// chain (one session's batch) run one after another, so a cookie one probe sets is deterministically visible (or
// not) to the next; chains run side by side (sessions that set no cookie: e2ekit._probing.session.run_batches).
async (probes) => {
  const run = async (probe) => {
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
    return outcome;
  };
  const outcomes = new Array(probes.length);
  const chains = new Map();
  probes.forEach((probe, index) => {
    if (!chains.has(probe.chain)) chains.set(probe.chain, []);
    chains.get(probe.chain).push(index);
  });
  await Promise.all(
    [...chains.values()].map(async (indices) => {
      for (const index of indices) outcomes[index] = await run(probes[index]);
    }),
  );
  return outcomes;
}
