// Home's check-in: a tap is saved through the API, so no signal shows a message, not an error page.
const form = document.querySelector(".checkin-form");
const status = document.getElementById("checkin-status");
const pwa = document.getElementById("pwa")?.dataset || {};

// Today as the server counts days: in Japan, where the service is given.
const localDay = () => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Tokyo" }).format(new Date());

const say = (message) => {
  status.textContent = "";
  setTimeout(() => { status.textContent = message; }, 150);
};

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
    try {
      const session = await (await fetch("/api/v1/session", { cache: "no-store" })).json();
      if (!session.user) {
        say(form.dataset.login);
        return;
      }
      const response = await fetch(`/api/v1/checkins/${form.dataset.day}`, {
        method: "PUT",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": session.csrf_token },
        body: JSON.stringify({ [tap.name]: Number(tap.value) }),
      });
      if (!response.ok) throw new Error(String(response.status));
      form.querySelectorAll(`.tap[name="${tap.name}"]`).forEach((other) => {
        other.setAttribute("aria-pressed", String(other === tap));
      });
      say(pwa.saved);
    } catch (error) {
      say(form.dataset.offline);
    }
  });
}
