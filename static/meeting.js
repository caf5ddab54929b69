// The running meeting: outcomes, statuses and the summary save themselves as the supporter
// types or taps, and nothing typed is lost — not by saving another item, a dropped connection,
// or a closed tab. Without this script every form still posts and reloads as before.
//
// Each form marked data-autosave is one "field" with a key (item-12, summary). Its unsaved
// values wait in localStorage under companion-meeting:<user>:<meeting> until the server has
// them; app.js clears those keys at logout, as tablets are shared.

const pwa = document.getElementById("pwa");
const user = document.body.dataset.user || "";
const meetingId = location.pathname.split("/").filter(Boolean)[1];
const STORE = `companion-meeting:${user}:${meetingId}`;
const WAIT = 700; // after the last key press
const RETRY = [2000, 5000, 10000, 20000, 30000];
const page = document.querySelector("[data-started]");
const words = document.getElementById("meeting-words")?.dataset || {};

// --- what waits on this device -------------------------------------------------------------

function stored() {
  try {
    return JSON.parse(localStorage.getItem(STORE) || "{}");
  } catch (error) {
    return {};
  }
}

function keep(key, values) {
  const all = stored();
  if (values) all[key] = { ...values, at: Date.now() };
  else delete all[key];
  try {
    if (Object.keys(all).length) localStorage.setItem(STORE, JSON.stringify(all));
    else localStorage.removeItem(STORE);
  } catch (error) { /* private mode or full: the page still saves to the server */ }
}

// --- one autosaving form -----------------------------------------------------------------

const fields = new Map();

function valuesOf(form) {
  const values = {};
  const status = form.querySelector("input[name=status]:checked");
  if (status) values.status = status.value;
  const text = form.querySelector("textarea");
  if (text) values[text.name] = text.value;
  return values;
}

function same(a, b) {
  return Object.keys({ ...a, ...b }).every((k) => k === "at" || (a[k] ?? "") === (b[k] ?? ""));
}

class Field {
  constructor(form) {
    this.form = form;
    this.key = form.dataset.key;
    this.url = form.dataset.autosave;
    this.state = form.querySelector("[data-save-state]");
    this.saved = valuesOf(form); // what the server holds
    this.timer = null;
    this.sending = null;
    this.tries = 0;
    this.stopped = null; // a refusal that retrying can't mend
    form.querySelector("[data-manual-save]")?.setAttribute("hidden", "");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.save();
    });
    form.addEventListener("input", (event) => {
      if (event.target.matches("textarea")) this.changed(WAIT);
    });
    form.addEventListener("change", (event) => {
      if (event.target.matches("input[type=radio]")) this.changed(0);
    });
    // Leaving the box sends at once: the next item may be a while.
    form.addEventListener("focusout", (event) => {
      if (event.target.matches("textarea") && this.dirty) this.save();
    });
  }

  get dirty() {
    return !same(valuesOf(this.form), this.saved);
  }

  changed(delay) {
    this.stopped = null;
    if (this.dirty) keep(this.key, valuesOf(this.form));
    else keep(this.key, null);
    this.show(this.dirty ? "" : "saved");
    this.item()?.classList.toggle("unsaved", this.dirty);
    refresh();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.save(), delay);
  }

  item() {
    return this.form.closest(".agenda-item");
  }

  show(state, message) {
    if (!this.state) return;
    this.state.dataset.state = state;
    this.state.textContent = message || words[state] || "";
  }

  // Send what the form holds now; one request at a time, again if it changed meanwhile.
  async save() {
    clearTimeout(this.timer);
    if (this.sending) {
      this.again = true;
      return this.sending;
    }
    if (!this.dirty) return undefined;
    const values = valuesOf(this.form);
    this.show("saving");
    this.sending = this.send(values).finally(() => { this.sending = null; });
    await this.sending;
    if (this.again) {
      this.again = false;
      return this.save();
    }
    return undefined;
  }

  async send(values) {
    let response;
    try {
      response = await fetch(this.url, {
        method: "PATCH",
        credentials: "same-origin",
        keepalive: true, // finishes even when the tab is closing
        headers: { "Content-Type": "application/json", Accept: "application/json",
          "X-CSRF-Token": this.form.querySelector("input[name=csrf_token]").value },
        body: JSON.stringify(Object.fromEntries(Object.entries(values).filter(([k]) => k !== "at"))),
      });
    } catch (error) {
      return this.retry();
    }
    if (response.ok) {
      this.tries = 0;
      this.saved = values;
      if (!this.dirty) {
        keep(this.key, null);
        this.show("saved");
        this.item()?.classList.remove("unsaved");
      }
      refresh();
      return undefined;
    }
    if (response.status >= 500 || response.status === 429) return this.retry();
    const data = await response.json().catch(() => ({}));
    const message = (data.error && (data.error.message
      || Object.values(data.error.fields || {}).flat().join(" "))) || "";
    // 401/403/400 (login or CSRF gone), 409 (meeting no longer running), 422: keep the text here.
    this.stopped = response.status;
    this.show("failed", [message, words.kept].filter(Boolean).join(" "));
    refresh();
    return undefined;
  }

  retry() {
    const wait = RETRY[Math.min(this.tries, RETRY.length - 1)];
    this.tries += 1;
    this.show("offline");
    refresh();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.save(), wait);
  }
}

document.querySelectorAll("form[data-autosave]").forEach((form) => {
  fields.set(form.dataset.key, new Field(form));
});

const unsaved = () => [...fields.values()].filter((f) => f.dirty);
const saveAll = () => Promise.all([...fields.values()].map((f) => f.save()));

addEventListener("online", () => {
  fields.forEach((f) => { if (f.dirty && !f.stopped) f.save(); });
});
// A tab put away or closing sends what it holds (a phone may never come back to it).
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "hidden") saveAll();
});
addEventListener("beforeunload", (event) => {
  if (unsaved().length) {
    event.preventDefault();
    event.returnValue = "";
  }
});

// --- what was left on this device last time ---------------------------------------------------

function offerKept() {
  const kept = stored();
  const waiting = Object.entries(kept).filter(([key, values]) => {
    const field = fields.get(key);
    if (!field || same(values, field.saved)) {
      keep(key, null); // already on the server, or no longer on this page
      return false;
    }
    return true;
  });
  const offer = document.getElementById("kept-offer");
  if (!waiting.length || !offer) return;
  offer.querySelector("[data-count]").textContent = String(waiting.length);
  offer.hidden = false;
  offer.querySelector("[data-action=restore]").addEventListener("click", () => {
    for (const [key, values] of waiting) {
      const form = fields.get(key).form;
      if (values.status) {
        const radio = form.querySelector(`input[name=status][value="${CSS.escape(values.status)}"]`);
        if (radio) radio.checked = true;
      }
      const text = form.querySelector("textarea");
      if (text && typeof values[text.name] === "string") text.value = values[text.name];
      fields.get(key).changed(0);
    }
    offer.hidden = true;
    fields.get(waiting[0][0]).form.querySelector("textarea")?.focus();
  });
  offer.querySelector("[data-action=discard]").addEventListener("click", () => {
    waiting.forEach(([key]) => keep(key, null));
    offer.hidden = true;
  });
  offer.focus();
}

// --- where the meeting is: pending count, time, what carries over --------------------------------

const items = () => [...document.querySelectorAll(".agenda-item[data-item]")];
const statusOf = (item) => item.querySelector("input[name=status]:checked")?.value || "pending";

function refresh() {
  const list = items();
  const pending = list.filter((item) => statusOf(item) === "pending");
  document.querySelectorAll("[data-pending-count]").forEach((el) => { el.textContent = String(pending.length); });
  const warning = document.querySelector("[data-pending-warning]");
  if (warning) {
    warning.hidden = !pending.length;
    warning.textContent = warning.dataset.template.replace("{n}", String(pending.length));
  }
  const carry = list.filter((item) => (item.dataset.carries || "").split(" ").includes(statusOf(item)));
  const box = document.querySelector("[data-carry]");
  const ul = document.querySelector("[data-carry-list]");
  if (box && ul) {
    ul.replaceChildren(...carry.map((item) => {
      const li = document.createElement("li");
      const text = item.querySelector(".note-body")?.textContent.trim() || "";
      li.textContent = text.length > 60 ? text.slice(0, 57) + "..." : text;
      return li;
    }));
    box.hidden = !carry.length;
    box.querySelector("[data-carry-count]").textContent = String(carry.length);
  }
  const next = document.querySelector("[data-next-pending]");
  if (next) next.href = pending.length ? "#" + pending[0].id : "#summary";
  const offline = document.querySelector("[data-offline-note]");
  if (offline) offline.hidden = ![...fields.values()].some((f) => f.state?.dataset.state === "offline");
}

function tick() {
  const minutes = document.querySelector("[data-minutes]");
  if (!page || !minutes) return;
  const started = Date.parse(page.dataset.started);
  if (!Number.isNaN(started)) minutes.textContent = String(Math.max(0, Math.floor((Date.now() - started) / 60000)));
}
setInterval(tick, 30000);

// --- the keyboard: 1–4 picks a status, N goes to the next pending item, Ctrl+Enter moves on ----------

function focusItem(item) {
  if (!item) {
    const summary = document.getElementById("summary-text");
    summary?.focus();
    summary?.scrollIntoView({ block: "center" });
    return;
  }
  const radio = item.querySelector("input[name=status]:checked") || item.querySelector("input[name=status]");
  (radio || item).focus();
  item.scrollIntoView({ block: "center" });
}

function nextPending(from) {
  const list = items();
  const at = from ? list.indexOf(from) : -1;
  const after = list.slice(at + 1).concat(list.slice(0, at + 1));
  return after.find((item) => item !== from && statusOf(item) === "pending");
}

document.addEventListener("keydown", (event) => {
  const target = event.target;
  const item = target.closest?.(".agenda-item[data-item]");
  const typing = target.matches?.("textarea, input:not([type=radio]):not([type=checkbox]), select, [contenteditable]");
  if (typing) {
    if (item && event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      fields.get("item-" + item.dataset.item)?.save();
      focusItem(nextPending(item));
    }
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (item && /^[1-9]$/.test(event.key)) {
    const radios = item.querySelectorAll("input[name=status]");
    const radio = radios[Number(event.key) - 1];
    if (!radio) return;
    event.preventDefault();
    radio.checked = true;
    radio.focus();
    radio.dispatchEvent(new Event("change", { bubbles: true }));
  } else if (event.key === "n" || event.key === "N") {
    event.preventDefault();
    focusItem(nextPending(item));
  }
});

document.querySelector("[data-next-pending]")?.addEventListener("click", (event) => {
  event.preventDefault();
  focusItem(nextPending(null));
});
document.querySelectorAll("[data-keys], .status-option .key").forEach((el) => { el.hidden = false; });

// --- adding an action or a point where the conversation is, without a reload ------------------------

async function swapIn() {
  // The page as the server sees it now: new actions, new talking points, the links under items.
  const response = await fetch(location.pathname, { credentials: "same-origin" });
  if (!response.ok) return;
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
  const list = document.getElementById("actions-list");
  const freshList = fresh.getElementById("actions-list");
  if (list && freshList && !list.contains(document.activeElement)) list.replaceWith(freshList);
  fresh.querySelectorAll("ul.linked").forEach((ul) => document.getElementById(ul.id)?.replaceWith(ul));
  fresh.querySelectorAll(".agenda-item[data-item]").forEach((li) => {
    if (document.getElementById(li.id)) return;
    const section = document.getElementById(li.closest("section").id);
    const freshSection = li.closest("section");
    if (!section.querySelector(".agenda-items")) {
      section.replaceWith(freshSection);
    } else {
      section.querySelector(".agenda-items").append(li);
    }
  });
  document.querySelectorAll("form[data-autosave]").forEach((form) => {
    if (!fields.has(form.dataset.key)) fields.set(form.dataset.key, new Field(form));
  });
  document.querySelectorAll("form[data-add]").forEach(enhanceAdd);
  document.querySelectorAll(".status-option .key").forEach((el) => { el.hidden = false; });
  refresh();
}

function enhanceAdd(form) {
  if (form.dataset.enhanced) return;
  form.dataset.enhanced = "1";
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {};
    for (const [key, value] of new FormData(form)) {
      if (key === "csrf_token" || value === "") continue;
      body[key] = key === "from_item_id" ? Number(value) : value;
    }
    form.querySelectorAll("[data-error-for]").forEach((p) => { p.hidden = true; p.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
    const button = form.querySelector("button[type=submit]");
    button?.setAttribute("aria-disabled", "true");
    let response;
    try {
      response = await fetch(form.dataset.add, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json",
          "X-CSRF-Token": form.querySelector("input[name=csrf_token]").value },
        body: JSON.stringify(body),
      });
    } catch (error) {
      response = null;
    }
    button?.removeAttribute("aria-disabled");
    if (response && response.status === 201) {
      form.querySelectorAll("input[name=text], textarea[name=text], input[name=due]").forEach((el) => { el.value = ""; });
      announce(words.added);
      await swapIn();
      return;
    }
    const data = response ? await response.json().catch(() => ({})) : {};
    const problems = (data.error && data.error.fields) || {};
    let first = null;
    for (const [name, messages] of Object.entries(problems)) {
      const p = form.querySelector(`[data-error-for="${CSS.escape(name)}"]`);
      const input = form.querySelector(`[name="${CSS.escape(name)}"]`);
      if (p) { p.textContent = [].concat(messages).join(" "); p.hidden = false; }
      if (input) { input.setAttribute("aria-invalid", "true"); first = first || input; }
    }
    if (first) {
      first.focus();
      return;
    }
    announce(response ? (data.error && data.error.message) || words.failed : words.notAdded);
  });
}
document.querySelectorAll("form[data-add]").forEach(enhanceAdd);

function announce(message) {
  const line = document.getElementById("pwa-status");
  if (line && message) line.textContent = message;
}

// --- every other form on the page (close, edit an action, unstart) waits for the saves first --------

document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (form.matches("form[data-autosave], form[data-add]") || form.dataset.saved) return;
  event.preventDefault();
  const submitter = event.submitter;
  if (form.matches("[data-close]") && !(submitter && submitter.name === "confirmed")) {
    const pending = items().filter((item) => statusOf(item) === "pending").length;
    if (pending) {
      const box = form.querySelector("[data-confirm-close]");
      box.querySelector("[data-confirm-text]").textContent =
        document.querySelector("[data-pending-warning]").textContent;
      box.hidden = false;
      form.querySelector("[data-close-button]").hidden = true;
      box.focus();
      return;
    }
  }
  await saveAll();
  const left = unsaved();
  if (left.length) {
    announce(words.notYet);
    left[0].form.querySelector("textarea, input[name=status]:checked")?.focus();
    return;
  }
  if (submitter && submitter.name) {
    const hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = submitter.name;
    hidden.value = submitter.value;
    form.append(hidden);
  }
  form.dataset.saved = "1";
  form.submit();
}, true);

document.querySelector("[data-back-to-pending]")?.addEventListener("click", () => {
  const box = document.querySelector("[data-confirm-close]");
  box.hidden = true;
  document.querySelector("[data-close-button]").hidden = false;
  focusItem(nextPending(null));
});

refresh();
tick();
offerKept();
if (pwa) pwa.dataset.meeting = "ready";
