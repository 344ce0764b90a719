// The theme switch: light or dark, remembered by the server (a cookie, so the next page is
// drawn in it at once); until the viewer chooses, the system's preference. The language
// switch is a plain form (the page is drawn again in the new language).

const root = document.documentElement;
const toggle = document.getElementById("theme-toggle");
const system = matchMedia("(prefers-color-scheme: dark)");

const dark = () => (root.dataset.theme ? root.dataset.theme === "dark" : system.matches);

function show() {
  toggle.setAttribute("aria-checked", String(dark()));
  toggle.value = dark() ? "light" : "dark";
}

async function choose(event) {
  event.preventDefault();
  const theme = dark() ? "light" : "dark";
  root.dataset.theme = theme;
  document.querySelector('meta[name="color-scheme"]')?.setAttribute("content", theme);
  show();
  const form = new FormData(toggle.form);
  form.set("theme", theme);
  // Remembered for the next pages; this one has already changed.
  await fetch(toggle.form.action, { method: "POST", body: form, headers: { Accept: "application/json" } }).catch(() => {});
}

if (toggle) {
  show();
  system.addEventListener("change", show);
  toggle.addEventListener("click", choose);
}
