// Write: the placeholder follows the chosen kind; weight applies to worries only.
const form = document.getElementById("write-form");
if (form) {
  const body = form.querySelector("#body");
  const weights = form.querySelector("#weights");
  const examples = {};
  form.querySelectorAll(".examples li").forEach((li) => {
    (examples[li.dataset.kind] ||= []).push(li.textContent);
  });
  const prefix = body.placeholder.slice(0, body.placeholder.indexOf(examples.worry?.[0] ?? "\u0000"));
  const sync = () => {
    const kind = form.querySelector('input[name="kind"]:checked')?.value;
    if (kind && examples[kind]) body.placeholder = (prefix || "") + examples[kind][0];
    if (weights) weights.hidden = kind !== "worry";
  };
  form.addEventListener("change", (event) => {
    if (event.target.name === "kind") sync();
  });
  sync();
}
