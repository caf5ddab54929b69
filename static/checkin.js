// Home's check-in: a tap (or the ひとこと) is saved through the API, so no signal shows a
// message, not an error page.
import { speak } from "./outbox.js";

const form = document.querySelector(".checkin-form");
const note = document.querySelector(".checkin-comment");
const status = document.getElementById("checkin-status");
const pwa = document.getElementById("pwa")?.dataset || {};

// Today as the server counts days: in Japan, where the service is given.
const localDay = () => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Tokyo" }).format(new Date());

const say = (message) => {
  status.textContent = "";
  setTimeout(() => { speak(status, message); }, 150);
};

// Save part of today's check-in; true once the server has it, with the message said.
async function put(body) {
  try {
    const session = await (await fetch("/api/v1/session", { cache: "no-store" })).json();
    if (!session.user) {
      say(form.dataset.login);
      return false;
    }
    const response = await fetch(`/api/v1/checkins/${form.dataset.day}`, {
      method: "PUT",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": session.csrf_token },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(String(response.status));
    say(pwa.saved);
    return true;
  } catch (error) {
    say(form.dataset.offline);
    return false;
  }
}

if (form && status && self.fetch) {
  // A Home kept from an earlier day shows no taps as today's.
  if (form.dataset.day !== localDay()) {
    form.dataset.day = localDay();
    form.querySelectorAll(".tap").forEach((tap) => tap.setAttribute("aria-pressed", "false"));
    status.textContent = "";
  }
  form.addEventListener("click", async (event) => {
    const tap = event.target.closest("button.tap");
    if (!tap) return;
    event.preventDefault();
    if (await put({ [tap.name]: Number(tap.value) })) {
      form.querySelectorAll(`.tap[name="${tap.name}"]`).forEach((other) => {
        other.setAttribute("aria-pressed", String(other === tap));
      });
    }
  });
  note?.addEventListener("submit", (event) => {
    event.preventDefault();
    put({ comment: note.elements.comment.value });
  });
}
