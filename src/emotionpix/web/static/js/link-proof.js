// Links from Supabase's emails land here with their proof in the address's fragment
// (#access_token=…&refresh_token=… or #error=…): the fragment never reaches the server, so
// this copies it into the form's hidden fields and clears it from the address bar. It never
// sends the form: a page that signed in by itself could be made (with a crafted fragment) to
// sign a visitor into someone else's account. The person presses "Confirm my email".
// The page loads this only with Supabase accounts; local links carry a ?token= instead.

const form = document.getElementById("proof-form");
const fragment = new URLSearchParams(location.hash.slice(1));
if (form && (fragment.has("access_token") || fragment.has("error"))) {
  for (const input of form.querySelectorAll("[data-proof]")) {
    const value = fragment.get(input.dataset.proof);
    if (value) input.value = value;
  }
  history.replaceState(null, "", location.pathname);
}
