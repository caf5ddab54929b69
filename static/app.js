// Every page: the service worker, the outbox, the install hint and a careful logout.
import { announce, available, count, forget, send, speak, start } from "./outbox.js";

const pwa = document.getElementById("pwa");
const client = pwa?.dataset.role === "client";

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {
    // Without a worker the app still works online; only the offline shell is missing.
  });
}

if (client) {
  start();
  // Keep Home and Write for offline use from the first minute after logging in.
  navigator.serviceWorker?.ready.then((registration) => {
    registration.active?.postMessage({ type: "warm" });
  }).catch(() => {});
  // Ask the browser not to clear the outbox when space runs low.
  navigator.storage?.persisted?.().then((kept) => kept || navigator.storage.persist()).catch(() => {});
}

// A form sent back with a problem: its first invalid field has focus and is in view, with the
// message next to it (autofocus does this without JavaScript too).
const invalid = document.querySelector("main [aria-invalid='true']");
if (invalid) {
  invalid.focus({ preventScroll: true });
  invalid.scrollIntoView({ block: "center" });
}

// The login page after a lost session: a draft kept on this device is safe, and says so.
const draftSafe = document.getElementById("draft-safe");
if (draftSafe) {
  try {
    draftSafe.hidden = !Object.keys(localStorage).some((key) => key.startsWith("companion-draft-")
      && (JSON.parse(localStorage.getItem(key) || "{}").body || "").trim());
  } catch (error) { /* storage blocked: nothing to say */ }
}

// iOS Safari has no install prompt: explain Share → Add to Home Screen, until dismissed.
const hint = document.getElementById("install-hint");
if (hint) {
  const ios = /iphone|ipad|ipod/i.test(navigator.userAgent)
    || (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
  const standalone = navigator.standalone || matchMedia("(display-mode: standalone)").matches;
  let dismissed = false;
  try { dismissed = localStorage.getItem("companion-install-hint") === "no"; } catch (error) { /* */ }
  if (ios && !standalone && !dismissed) hint.hidden = false;
  hint.querySelector("button")?.addEventListener("click", () => {
    hint.hidden = true;
    try { localStorage.setItem("companion-install-hint", "no"); } catch (error) { /* */ }
  });
}

// Logout clears this device's outbox, draft and kept pages — after a warning if notes wait.
const logout = document.getElementById("logout-form");
const warning = document.getElementById("logout-warning");
if (logout && available) {
  const leave = async () => {
    await forget().catch(() => {});
    navigator.serviceWorker?.controller?.postMessage({ type: "forget" });
    // This device's reminders end with the login (the server forgets the subscription too).
    // `ready` never settles without a worker: wait a second at most.
    const wait = new Promise((resolve) => { setTimeout(resolve, 1000); });
    await Promise.race([wait, navigator.serviceWorker?.ready
      .then((registration) => registration.pushManager?.getSubscription())
      .then((subscription) => subscription?.unsubscribe())]).catch(() => {});
    logout.dataset.confirmed = "true";
    logout.submit();
  };
  logout.addEventListener("submit", async (event) => {
    if (logout.dataset.confirmed) return;
    event.preventDefault();
    const button = logout.querySelector("button");
    button?.setAttribute("aria-disabled", "true");
    if (await count()) await send({ quiet: true });
    button?.removeAttribute("aria-disabled");
    const left = await count();
    if (!left || !warning) return leave();
    const line = warning.querySelector("[data-template]");
    speak(line, line.dataset.template.replace("{n}", String(left)));
    warning.hidden = false;
    warning.focus();
  });
  warning?.querySelector("[data-action=leave]")?.addEventListener("click", leave);
  warning?.querySelector("[data-action=stay]")?.addEventListener("click", () => {
    warning.hidden = true;
    logout.querySelector("button")?.focus();
    announce(pwa?.dataset.kept);
  });
}
