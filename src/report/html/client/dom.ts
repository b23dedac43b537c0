/// <reference lib="dom" />
/** Element helpers for the HTML report's script: every element is built with textContent, never innerHTML. */

export const byId = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;

export const fmt = (n: number): string => n.toLocaleString('en-US');

/** An element with a class, a text and children; text is set as text, so markup in it is shown, never run. */
export const el = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; text?: string } = {},
  ...children: Node[]
): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  if (props.className) e.className = props.className;
  if (props.text !== undefined) e.textContent = props.text;
  for (const c of children) e.append(c);
  return e;
};

/** A path that may wrap after each `/` (a <wbr> adds no text). */
export const breakable = (path: string): DocumentFragment => {
  const frag = document.createDocumentFragment();
  path.split('/').forEach((part, i, all) => {
    frag.append(i < all.length - 1 ? `${part}/` : part);
    if (i < all.length - 1) frag.append(el('wbr'));
  });
  return frag;
};
