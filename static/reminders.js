// Settings: reminders on this device. Permission is asked only after a tap on 「受けとる」,
// never on its own; the subscription goes to the server, which sends at the right moments.
import { speak } from "./outbox.js";

const box = document.getElementById("push-device");
const state = document.getElementById("push-state");
const on = document.getElementById("push-on");
const off = document.getElementById("push-off");
const words = box?.dataset || {};

const supported = Boolean(box && "serviceWorker" in navigator && "PushManager" in self
  && "Notification" in self);

// The VAPID public key (base64url) as the bytes PushManager wants.
function keyBytes(text) {
  const base64 = (text + "=".repeat((4 - (text.length % 4)) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

async function api(method, body) {
  const session = await (await fetch("/api/v1/session", { cache: "no-store" })).json();
  const response = await fetch("/api/v1/push/subscriptions", {
    method,
    headers: { "Content-Type": "application/json", "X-CSRF-Token": session.csrf_token },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(String(response.status));
}

function show(subscribed, message) {
  on.hidden = subscribed;
  off.hidden = !subscribed;
  speak(state, message || (subscribed ? words.on : words.off));
}

async function current() {
  const registration = await navigator.serviceWorker.ready;
  return registration.pushManager.getSubscription();
}

// True when the server sends this person's reminders to this browser's subscription (on a
// shared device the browser may still hold someone else's).
async function mine(subscription) {
  if (!subscription) return false;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(subscription.endpoint));
  const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  return (words.mine || "").split(" ").includes(hex);
}

async function subscribe() {
  on.setAttribute("aria-disabled", "true");
  try {
    const permission = await Notification.requestPermission();
    if (permission !== "granted") return show(false, words.denied);
    const registration = await navigator.serviceWorker.ready;
    const subscription = (await registration.pushManager.getSubscription())
      || await registration.pushManager.subscribe({
        userVisibleOnly: true, applicationServerKey: keyBytes(words.key) });
    await api("POST", subscription.toJSON());
    show(true);
    off.focus();
  } catch (error) {
    show(false, words.failed);
  } finally {
    on.removeAttribute("aria-disabled");
  }
}

async function unsubscribe() {
  try {
    const subscription = await current();
    if (subscription) {
      await api("DELETE", { endpoint: subscription.endpoint });
      await subscription.unsubscribe();
    }
    show(false);
    on.focus();
  } catch (error) {
    show(true, words.failed);
  }
}

if (box) {
  if (!supported) {
    speak(state, words.unsupported);
  } else if (Notification.permission === "denied") {
    show(false, words.denied);
    on.hidden = true;
  } else {
    current().then(mine).then(show).catch(() => show(false));
    on.addEventListener("click", subscribe);
    off.addEventListener("click", unsubscribe);
  }
}
