// The page's words in the viewer's language. The server puts the catalogue's entries for these
// scripts in <script type="application/json" id="i18n"> (web/i18n.py): data, never code.
// t("Face %(n)s", {n: 2}) and tn("%(num)s face", "%(num)s faces", n) are what the extractor
// (pybabel, babel.cfg) finds; their text must be a plain string literal.

const catalog = JSON.parse((typeof document === "undefined" ? null : document.getElementById("i18n"))?.textContent || "{}");
const messages = catalog.messages ?? {};

export const locale = catalog.locale ?? "en";

const fill = (text, params) =>
  text.replace(/%\((\w+)\)s/g, (whole, name) => (name in params ? String(params[name]) : whole));

export function t(message, params = {}) {
  const text = messages[message];
  return fill(typeof text === "string" && text ? text : message, params);
}

// A number grouped and written the viewer's way.
export const number = (value, options = {}) => new Intl.NumberFormat(locale, options).format(value);

// "48%" (or as the viewer's language writes a percentage); p is a fraction.
export const percent = (p) => number(p, { style: "percent", maximumFractionDigits: 0 });

const plurals = new Intl.PluralRules(locale);

export function tn(one, other, n, params = {}) {
  const forms = messages[one];
  const index = plurals.select(n) === "one" ? 0 : 1;
  const text = Array.isArray(forms) && forms[index] ? forms[index] : index === 0 ? one : other;
  return fill(text, { num: number(n), ...params });
}

// An emotion label ("happy") and a genre as the page names them; film data the catalogue
// does not know reads as given.
export const emotionName = (label) => catalog.emotions?.[label] ?? label;
export const genreName = (genre) => catalog.genres?.[genre] ?? genre;
// A film's language, given by its English name, as the page's language names it.
export const languageName = (name) => catalog.languages?.[name] ?? name;
// A film's tones, its ending and its content notes (codes from the API) as the page names them.
export const toneName = (tone) => catalog.tones?.[tone] ?? tone.replaceAll("-", " ");
export const endingName = (ending) => catalog.endings?.[ending] ?? ending;
export const noteName = (note) => catalog.notes?.[note] ?? note.replaceAll("-", " ");
