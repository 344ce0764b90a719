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

let statusTimer;

// A polite, visible status line (also read by screen readers).
export function announce(message, { sticky = false } = {}) {
  const status = $("#status");
  status.textContent = message;
  clearTimeout(statusTimer);
  if (message && !sticky) statusTimer = setTimeout(() => { status.textContent = ""; }, 6000);
}
