// Write: the placeholder follows the kind; weight is for worries only; the text is kept as a
// draft while typed; saving puts the note in the outbox first, so it is never lost or doubled.
import { announce, available, carry, draftKey, queue, send, uuid } from "./outbox.js";

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
  form.querySelectorAll(".examples li").forEach((li) => {
    (examples[li.dataset.kind] ||= []).push(li.textContent);
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
  };
  const say = (message) => {
    if (status) {
      status.textContent = "";
      setTimeout(() => { status.textContent = message; }, 150);
    }
  };

  // A problem is shown under the text, where the eyes are.
  const showError = (message) => {
    let error = form.querySelector("#body-error");
    if (!error) {
      error = document.createElement("p");
      error.className = "error";
      error.id = "body-error";
      body.insertAdjacentElement("afterend", error);
    }
    error.textContent = message;
    body.setAttribute("aria-invalid", "true");
    body.setAttribute("aria-describedby", "body-error");
    // Focus reads the label and, through aria-describedby, the problem.
    body.focus();
  };

  // The draft: everything on the form, as typed, for this person on this device.
  const fields = () => ({
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

  if (!editing) {
    // A page kept for offline use carries an old id: every new note gets its own.
    const id = form.elements.id;
    if (id) id.value = uuid();
    const kept = available && !body.value ? draft() : null;
    if (kept && kept.body) {
      choose("kind", kept.kind);
      body.value = kept.body;
      choose("topic", kept.topic);
      if (kept.weight) choose("weight", kept.weight);
      if (form.elements.private) form.elements.private.checked = kept.private;
      if (form.elements.share_with_employer) form.elements.share_with_employer.checked = kept.share;
      say(text.draftRestored);
    } else {
      const wanted = new URLSearchParams(location.search).get("kind");
      if (wanted) choose("kind", wanted);
    }
  }
  form.addEventListener("change", (event) => {
    if (event.target.name === "kind") sync();
    keep();
  });
  form.addEventListener("input", keep);
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
    try { localStorage.removeItem(draftKey()); } catch (error) { /* */ }
    const result = await send({ quiet: true });
    const answer = result.results[item.id];
    if (answer && answer.status === 422) {
      // The server says what to fix; the note stays on the form (and as the draft).
      const { remove } = self.companionOutbox;
      await remove(item.id);
      keep();
      const fields = answer.fields || {};
      showError(Object.values(fields).flat()[0] || answer.message || text.empty);
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
    form.reset();
    form.elements.id.value = uuid();
    sync();
    say(message);
    announce(message);
    done();
  });
}
