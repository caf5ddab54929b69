// The page's side of the outbox: queue a note, send when possible, say what is waiting.
import "./sync.js";

const core = self.companionOutbox;
const pwa = document.getElementById("pwa");
const text = pwa ? pwa.dataset : {};
export const user = pwa ? pwa.dataset.user || "" : "";
const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel("companion-outbox") : null;

export const available = Boolean(user && self.indexedDB);

const fill = (template, n) => (template || "").replace("{n}", String(n));

// With furigana on, the server writes the copy these scripts say (the data-* of elements
// marked data-speaks) with its ruby, escaped: that copy is set as markup. Anything else,
// such as a message from an API answer, is always set as plain text.
const marked = pwa?.dataset.furigana === "1";
export function speak(element, message, copy = true) {
  if (marked && copy) element.innerHTML = message;
  else element.textContent = message;
}

// Say something in the page's one status region, so a screen reader announces it.
export function announce(message, copy = true) {
  const region = document.getElementById("pwa-status");
  if (!region || !message) return;
  region.textContent = "";
  // A change after a short pause is announced even right after the page has loaded.
  setTimeout(() => { speak(region, message, copy); }, 150);
}

export async function count() {
  if (!available) return 0;
  try {
    return (await core.entries(user)).length;
  } catch (error) {
    return 0;
  }
}

// Home shows how many notes are waiting; the line is empty when none are.
export async function render() {
  const n = await count();
  const line = document.getElementById("outbox-line");
  if (line) {
    speak(line, n ? fill(text.unsent, n) : "");
    line.hidden = !n;
  }
  return n;
}

function askToLogIn(show) {
  const prompt = document.getElementById("pwa-login");
  if (prompt) prompt.hidden = !show;
}

export function uuid() {
  if (self.crypto && crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export async function queue(note) {
  await core.put({ id: note.id, user, note, queuedAt: new Date().toISOString() });
  await render();
}

async function askForSync() {
  try {
    const registration = await navigator.serviceWorker?.ready;
    await registration?.sync?.register("outbox");
  } catch (error) {
    // No Background Sync (Safari, Firefox): load, online and visibility cover it.
  }
}

// Send what waits; announce 送りました for notes that had been waiting.
export async function send({ quiet = false } = {}) {
  if (!available) return { state: "done", sent: [], results: {} };
  let result;
  try {
    result = await core.flush(user);
  } catch (error) {
    result = { state: "error", sent: [], results: {} };
  }
  const left = await render();
  askToLogIn(result.state === "login" && left > 0);
  if (result.state === "login" && left > 0 && !quiet) announce(fill(text.login, left));
  else if (result.sent.length && !quiet) announce(fill(text.sent, result.sent.length));
  if (left > 0 && result.state !== "login") askForSync();
  retryLater(left > 0 && result.state === "offline");
  channel?.postMessage("changed");
  return result;
}

// Notes wait and the server was out of reach: try again in a while (3 s, then longer, up to
// a minute), as the online event may never come (a weak signal counts as online) or may
// come before requests get through.
const RETRY = [3000, 10000, 30000, 60000];
let retryTimer = null;
let retries = 0;
function retryLater(needed) {
  if (!needed) {
    retries = 0;
    return;
  }
  if (retryTimer) return;
  retryTimer = setTimeout(() => {
    retryTimer = null;
    send();
  }, RETRY[Math.min(retries, RETRY.length - 1)]);
  retries += 1;
}

export async function forget() {
  if (!available) return;
  await core.clear(user);
  try {
    localStorage.removeItem(draftKey());
    // Meeting text kept on a shared tablet (meeting.js) goes with the person too.
    Object.keys(localStorage).filter((key) => key.startsWith("companion-meeting:"))
      .forEach((key) => localStorage.removeItem(key));
  } catch (error) { /* storage blocked */ }
  if (self.caches) await caches.delete("companion-pages");
}

export const draftKey = () => `companion-draft-${user}`;

// A message to show on the next page (after Write goes back to Home).
export function carry(message) {
  try { sessionStorage.setItem("companion-message", message); } catch (error) { /* private mode */ }
}

function carried() {
  try {
    const message = sessionStorage.getItem("companion-message");
    sessionStorage.removeItem("companion-message");
    return message;
  } catch (error) {
    return null;
  }
}

export function start() {
  if (!available) return;
  const message = carried();
  if (message) announce(message);
  send();
  self.addEventListener("online", () => send());
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") send();
  });
  channel?.addEventListener("message", () => render());
  navigator.serviceWorker?.addEventListener("message", (event) => {
    if (event.data?.type === "outbox") {
      render().then((left) => askToLogIn(event.data.result?.state === "login" && left > 0));
      if (event.data.result?.sent?.length) announce(fill(text.sent, event.data.result.sent.length));
    }
  });
}
