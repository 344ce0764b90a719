// Small DOM helpers. Text from the API is always inserted as text, never as HTML.

export const $ = (selector, root = document) => root.querySelector(selector);

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "className") node.className = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const motion = () => (matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth");

// A message next to the control that caused it: the page's .message elements are aria-live,
// so screen readers read it too. It stays until the next action.
export function say(selector, text, { error = false } = {}) {
  const node = $(selector);
  node.textContent = text;
  node.classList.toggle("error", error && Boolean(text));
  if (text) node.scrollIntoView({ block: "nearest", behavior: motion() });
}

// Every message cleared: a new action starts from a clean state.
export function hush() {
  for (const node of document.querySelectorAll(".message")) {
    node.textContent = "";
    node.classList.remove("error");
  }
}

// What an action produced, brought to where the user is looking: ``area`` scrolled to the top
// of the view (below the sticky bar: scroll-margin-top in app.css) and ``node`` focused, so
// keyboard and screen-reader users land on it too.
export function reveal(node, area = node) {
  node.focus({ preventScroll: true });
  area.scrollIntoView({ block: "start", behavior: motion() });
}
