/** What both pages do with the document. */

export const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** The page's `role="alert"` box: shows an error's message, and hides again when cleared. */
export function alertBox(box: HTMLElement) {
  return {
    show(error: unknown): void {
      box.textContent = error instanceof Error ? error.message : String(error);
      box.hidden = false;
    },
    clear(): void {
      box.hidden = true;
      box.textContent = '';
    },
  };
}
