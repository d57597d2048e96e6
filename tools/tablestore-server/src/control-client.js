// A client for the control endpoints (control.js), for tests and the bench. Every method rejects with the
// server's error text on a non-2xx answer.

/** @param {string} endpoint e.g. http://127.0.0.1:18765 */
export function tablestoreControl(endpoint) {
  const base = endpoint.replace(/\/+$/, "");
  async function call(method, path, body) {
    const res = await fetch(`${base}/_nodestore/${path}`, {
      method,
      headers: body === undefined ? undefined : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok)
      throw new Error(`local Tablestore server: ${method} /_nodestore/${path}: ${res.status} ${text}`);
    return JSON.parse(text);
  }
  return {
    info: () => call("GET", "info"),
    stats: (filter = {}) => {
      const q = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== undefined));
      return call("GET", `stats${q.size ? `?${q}` : ""}`);
    },
    faults: async () => (await call("GET", "faults")).rules,
    addFaults: async (rules) =>
      (await call("POST", "faults", { rules: Array.isArray(rules) ? rules : [rules] })).ids,
    clearFaults: async () => (await call("DELETE", "faults")).cleared,
    setClockOffset: async (offsetMs) => (await call("POST", "clock", { offsetMs })).clockOffsetMs,
    /** Drops `table` of `instance`, or every table of it when `table` is not given. */
    reset: async (instance, table) => (await call("POST", "reset", { instance, table })).dropped,
    /** True when `endpoint` is this local server (and not a real Tablestore instance). */
    async isLocal() {
      try {
        const res = await fetch(`${base}/_nodestore/info`, { signal: AbortSignal.timeout(5_000) });
        return res.ok && (await res.json()).server === "nodestore-tablestore-server";
      } catch {
        return false;
      }
    },
  };
}
