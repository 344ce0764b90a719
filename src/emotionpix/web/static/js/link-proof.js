// Links from Supabase's emails land here with their proof in the address's fragment
// (#access_token=…&refresh_token=… or #error=…): the fragment never reaches the server, so
// this copies it into the form's hidden fields, clears it from the address bar, and sends
// the confirmation form by itself. Local accounts' links carry a ?token= and need none of it.

const form = document.getElementById("proof-form");
const fragment = new URLSearchParams(location.hash.slice(1));
if (form && (fragment.has("access_token") || fragment.has("error"))) {
  for (const input of form.querySelectorAll("[data-proof]")) {
    const value = fragment.get(input.dataset.proof);
    if (value) input.value = value;
  }
  history.replaceState(null, "", location.pathname);
  if (form.dataset.autoSubmit) form.requestSubmit();
}
