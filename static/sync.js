// The outbox: notes kept in IndexedDB until the server has confirmed them, and the sending of them.
// A plain script shared by the pages (imported by outbox.js) and the service worker (importScripts),
// so that both send the same way; it sets self.companionOutbox.
(function (root) {
  "use strict";
  const NAME = "companion";
  const STORE = "outbox";
  // 409 means the server already holds a note with this id: it is not lost either.
  const CONFIRMED = [200, 201, 409];
  const WAIT = 15000;

  function open() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(NAME, 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore(STORE, { keyPath: "id" }).createIndex("user", "user");
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  function run(mode, work) {
    return open().then((db) => new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = work(tx.objectStore(STORE));
      tx.oncomplete = () => { db.close(); resolve(request ? request.result : undefined); };
      tx.onerror = tx.onabort = () => { db.close(); reject(tx.error); };
    }));
  }

  // An entry: {id, user, note, queuedAt, problem?}; note is the API body, written_at included.
  const put = (entry) => run("readwrite", (store) => store.put(entry));
  const remove = (id) => run("readwrite", (store) => store.delete(id));
  const entries = (user) => run("readonly", (store) => store.index("user").getAll(String(user)))
    .then((list) => list.sort((a, b) => (a.note.written_at < b.note.written_at ? -1 : 1)));
  const clear = (user) => entries(user).then((list) => Promise.all(list.map((e) => remove(e.id))));

  function request(url, options) {
    // A request that hangs on a weak signal is given up, not waited for forever.
    const control = typeof AbortController === "function" ? new AbortController() : null;
    const timer = control && setTimeout(() => control.abort(), WAIT);
    return fetch(url, { credentials: "same-origin", cache: "no-store", ...options,
      signal: control ? control.signal : undefined })
      .finally(() => timer && clearTimeout(timer));
  }

  async function session() {
    const response = await request("/api/v1/session", { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error("session " + response.status);
    return response.json();
  }

  // Send what waits for user (by default whoever is signed in). The answer:
  // {state: "done" | "offline" | "login" | "error", sent: [ids], results: {id: {status, note, message}}}.
  let running = null;
  let again = false;
  async function flushOnce(user) {
    const result = { state: "done", sent: [], results: {} };
    let who;
    try {
      who = await session();
    } catch (error) {
      result.state = "offline";
      return result;
    }
    if (!who.user || (user !== undefined && String(who.user.id) !== String(user))) {
      result.state = (await entries(user === undefined ? "" : user)).length ? "login" : "done";
      return result;
    }
    const list = await entries(who.user.id);
    for (const entry of list) {
      let response;
      try {
        response = await request("/api/v1/notes", {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json",
            "X-CSRF-Token": who.csrf_token },
          body: JSON.stringify(entry.note),
        });
      } catch (error) {
        result.state = "offline";
        break;
      }
      const data = await response.json().catch(() => ({}));
      result.results[entry.id] = { status: response.status, note: data,
        message: data.error && data.error.message, fields: data.error && data.error.fields };
      if (CONFIRMED.includes(response.status)) {
        await remove(entry.id);
        result.sent.push(entry.id);
      } else if (response.status === 401) {
        result.state = "login";
        break;
      } else if (response.status === 422 || response.status === 403) {
        // The server will never take this one as it is (or no longer takes notes, once
        // support has ended): keep it on the device, and say why.
        await put({ ...entry, problem: result.results[entry.id].message || "invalid" });
      } else {
        result.state = "error";
        break;
      }
    }
    return result;
  }

  function flush(user) {
    if (running) {
      again = true;
      return running;
    }
    running = flushOnce(user).then(async (first) => {
      while (again) {
        again = false;
        const next = await flushOnce(user);
        next.sent = first.sent.concat(next.sent);
        next.results = { ...first.results, ...next.results };
        first = next;
      }
      return first;
    }).finally(() => { running = null; });
    return running;
  }

  root.companionOutbox = { put, remove, entries, clear, flush };
})(self);
