// Print buttons: shown only where JavaScript can press them (the CSP forbids inline handlers).
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
