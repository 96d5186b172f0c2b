// @ts-check
/**
 * The page's only way to make elements. Text always goes in as textContent (or as a text node
 * through append), never as HTML: patron and staff text may carry markup, and must show as text.
 * ESLint forbids innerHTML/outerHTML/insertAdjacentHTML in the page.
 */

/**
 * An element of the static page by id.
 * @template {HTMLElement} T
 * @param {string} id
 * @returns {T}
 */
export const $ = (id) => /** @type {T} */ (document.getElementById(id));

/**
 * An input, select or textarea by id (for its value).
 * @param {string} id
 */
export const field = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id));

/**
 * A new element; text goes in as textContent, children (nodes or strings) are appended as nodes.
 * @param {string} tag
 * @param {{ className?: string, text?: string, title?: string }} [props]
 * @param {(Node | string)[]} children
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  if (props.title) node.title = props.title;
  for (const child of children) node.append(child);
  return node;
}
