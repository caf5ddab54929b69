// Write: the placeholder follows the kind; weight is for worries only; the text is kept as a
// draft while typed; saving puts the note in the outbox first, so it is never lost or doubled.
import { announce, available, carry, draftKey, queue, send, speak, uuid } from "./outbox.js";

const form = document.getElementById("write-form");
const pwa = document.getElementById("pwa");
const text = { ...(pwa ? pwa.dataset : {}), ...(form ? form.dataset : {}) };

if (form) {
  const body = form.querySelector("#body");
  const weights = form.querySelector("#weights");
  const status = form.querySelector("#write-status");
  const save = form.querySelector("button[type=submit]");
  const editing = form.dataset.editing === "true";
  const examples = {};
  // An example's words without their furigana, for the placeholder (an attribute holds no ruby).
  const plain = (element) => {
    const copy = element.cloneNode(true);
    copy.querySelectorAll("rt, rp").forEach((reading) => reading.remove());
    return copy.textContent;
  };
  form.querySelectorAll(".examples li").forEach((li) => {
    (examples[li.dataset.kind] ||= []).push(plain(li));
  });
  const prefix = body.placeholder.slice(0, body.placeholder.indexOf(examples.worry?.[0] ?? "\u0000"));
  const checked = (name) => form.querySelector(`input[name="${name}"]:checked`);
  const choose = (name, value) => {
    const input = form.querySelector(`input[name="${name}"][value="${CSS.escape(value)}"]`);
    if (input) input.checked = true;
  };
  const sync = () => {
    const kind = checked("kind")?.value;
    if (kind && examples[kind]) body.placeholder = (prefix || "") + examples[kind][0];
    if (weights) weights.hidden = kind !== "worry";
    // 「すぐ相談したい」 puts the office phone in view at once.
    const call = document.getElementById("urgent-call");
    if (call) call.hidden = !(kind === "worry" && checked("weight")?.value === "urgent");
  };
  const say = (message) => {
    if (status) {
      status.textContent = "";
      setTimeout(() => { speak(status, message); }, 150);
    }
  };

  // A problem is shown under the text, where the eyes are.
  const showError = (message, copy = true) => {
    let error = form.querySelector("#body-error");
    if (!error) {
      error = document.createElement("p");
      error.className = "error";
      error.id = "body-error";
      body.insertAdjacentElement("afterend", error);
    }
    speak(error, message, copy);
    body.setAttribute("aria-invalid", "true");
    body.setAttribute("aria-describedby", "body-error");
    // Focus reads the label and, through aria-describedby, the problem.
    body.focus();
  };

  // The draft: everything on the form, as typed, for this person on this device — and its id,
  // which it keeps until it is saved. From then on the outbox owns that id; the form starts a
  // new, empty draft, and a saved id never comes back to the form (Back, reload, second tab).
  const SAVED = `companion-saved-${pwa?.dataset.user || ""}`;
  const savedIds = () => {
    try { return JSON.parse(localStorage.getItem(SAVED) || "[]"); } catch (error) { return []; }
  };
  const markSaved = (id) => {
    try { localStorage.setItem(SAVED, JSON.stringify([id, ...savedIds()].slice(0, 50))); } catch (error) { /* */ }
  };
  const fields = () => ({
    id: form.elements.id?.value,
    kind: checked("kind")?.value, body: body.value, topic: checked("topic")?.value || "",
    weight: checked("weight")?.value || "", private: form.elements.private?.checked || false,
    share: form.elements.share_with_employer?.checked || false,
  });
  const keep = () => {
    if (editing || !available) return;
    try {
      if (body.value.trim()) localStorage.setItem(draftKey(), JSON.stringify(fields()));
      else localStorage.removeItem(draftKey());
    } catch (error) { /* storage full or blocked: the form still works */ }
  };
  const draft = () => {
    try { return JSON.parse(localStorage.getItem(draftKey()) || "null"); } catch (error) { return null; }
  };

  // An empty form with a new id, as after a save.
  // 会社に伝えてほしいこと goes to the employer unless the person says no (DESIGN §2):
  // the box follows the kind until it is touched.
  let shareTouched = false;
  form.elements.share_with_employer?.addEventListener("change", () => { shareTouched = true; });
  const shareByKind = () => {
    const box = form.elements.share_with_employer;
    if (box && !shareTouched) box.checked = checked("kind")?.value === "for_employer";
  };
  form.addEventListener("change", (event) => { if (event.target.name === "kind") shareByKind(); });
  const fresh = () => {
    body.value = "";
    form.querySelectorAll("input[type=checkbox]").forEach((box) => { box.checked = false; });
    shareTouched = false;
    choose("topic", "");
    if (form.elements.id) form.elements.id.value = uuid();
  };
  const start = () => {
    if (!available) {
      // No outbox here: the plain form posts, and the server answers a resent id only once.
      sync();
      return;
    }
    // A page kept for offline use, or restored by Back, carries an old id: never trust it.
    const kept = draft();
    if (kept && kept.body && !savedIds().includes(kept.id)) {
      if (form.elements.id) form.elements.id.value = kept.id || uuid();
      choose("kind", kept.kind);
      body.value = kept.body;
      choose("topic", kept.topic);
      if (kept.weight) choose("weight", kept.weight);
      if (form.elements.private) form.elements.private.checked = kept.private;
      if (form.elements.share_with_employer) form.elements.share_with_employer.checked = kept.share;
      say(text.draftRestored);
    } else {
      fresh();
      const wanted = new URLSearchParams(location.search);
      if (wanted.get("kind")) choose("kind", wanted.get("kind"));
      choose("weight", wanted.get("weight") === "urgent" ? "urgent" : "small");
      shareByKind();
    }
    sync();
  };
  if (!editing) {
    start();
    // Back to a page the browser kept whole (bfcache): what it shows may be saved already.
    addEventListener("pageshow", (event) => { if (event.persisted) start(); });
  }
  form.addEventListener("change", (event) => {
    if (event.target.name === "kind" || event.target.name === "weight") sync();
    keep();
  });
  form.addEventListener("input", keep);
  // Near the 1,000-character limit, a count says how much is left (or how much over).
  const counter = form.querySelector("#body-count");
  const count = () => {
    if (!counter) return;
    const n = [...body.value].length;
    counter.hidden = n < 800;
    if (!counter.hidden) {
      counter.textContent = n <= 1000 ? counter.dataset.left.replace("{n}", String(1000 - n))
        : counter.dataset.over.replace("{n}", String(n - 1000));
    }
  };
  body.addEventListener("input", count);
  count();
  // The on-screen keyboard takes most of a phone's height: the save button then stays above it.
  const tall = self.visualViewport ? visualViewport.height : innerHeight;
  const fit = () => form.classList.toggle("keyboard", (self.visualViewport?.height ?? innerHeight) < tall * 0.75);
  self.visualViewport?.addEventListener("resize", fit);
  addEventListener("resize", fit);
  sync();

  const note = () => {
    const kind = checked("kind")?.value || "worry";
    const found = {
      id: form.elements.id.value, kind, body: body.value,
      visibility: form.elements.private?.checked ? "private" : "shared",
      share_with_employer: form.elements.share_with_employer?.checked || false,
      written_at: new Date().toISOString(),
    };
    if (checked("topic")?.value) found.topic = checked("topic").value;
    if (kind === "worry") found.weight = checked("weight")?.value || "small";
    return found;
  };

  // The server refused it (422): it goes back on the form under its own id, to be fixed.
  const restore = (item) => {
    form.elements.id.value = item.id;
    body.value = item.body;
    try {
      localStorage.setItem(SAVED, JSON.stringify(savedIds().filter((id) => id !== item.id)));
    } catch (error) { /* */ }
  };

  let busy = false;
  const done = () => {
    busy = false;
    save.removeAttribute("aria-disabled");
  };
  form.addEventListener("submit", async (event) => {
    if (editing || !available) return;
    event.preventDefault();
    // A second tap while the first is saving is the same note: ignore it.
    if (busy) return;
    busy = true;
    save.setAttribute("aria-disabled", "true");
    // What the server would refuse is said now, not after a day in the outbox.
    const problem = !body.value.trim() ? text.empty : [...body.value].length > 1000 ? text.tooLong : null;
    if (problem) {
      showError(problem);
      return done();
    }
    const item = note();
    try {
      await queue(item);
    } catch (error) {
      // No IndexedDB after all (private mode, storage full): send the plain form.
      form.submit();
      return;
    }
    // The outbox has it now: this id is spent, and the form will never offer it again.
    markSaved(item.id);
    try { localStorage.removeItem(draftKey()); } catch (error) { /* */ }
    fresh();
    const result = await send({ quiet: true });
    const answer = result.results[item.id];
    if (answer && (answer.status === 422 || answer.status === 403)) {
      // The server says what to fix (or that support has ended); the note stays on the
      // form (and as the draft).
      const { remove } = self.companionOutbox;
      await remove(item.id);
      restore(item);
      keep();
      const fields = answer.fields || {};
      const said = Object.values(fields).flat()[0] || answer.message;
      showError(said || text.empty, !said);
      return done();
    }
    const sent = result.sent.includes(item.id);
    if (sent && answer?.note?.urgent) {
      location.href = `/notes/${encodeURIComponent(item.id)}/urgent`;
      return;
    }
    let message = sent ? text.saved : text.queued;
    if (!sent && item.weight === "urgent" && text.phone) message += " " + text.urgentOffline;
    if (!sent && result.state === "login") message += " " + text.loginShort;
    if (sent || navigator.serviceWorker?.controller) {
      carry(message);
      location.href = "/";
      return;
    }
    // No worker to open Home without a signal: stay here, ready for the next note.
    sync();
    say(message);
    announce(message);
    done();
  });
}
