/**
 * Lists on the wall that show a page at a time, the pages taking turns (nobody touches the wall).
 */

export interface RotatingPages<T> {
  /** how many pages (at least 1) */
  readonly pages: number;
  /** the page shown, from 0 */
  readonly current: number;
  /** the items on it */
  readonly shown: T[];
}

/**
 * `items` a page of `perPage` at a time, the next page every `rotateMs`; back on the first while
 * they all fit. Call it while a component initialises: the timer lives as long as the component.
 */
export function rotatingPages<T>(items: () => readonly T[], perPage: () => number, rotateMs: () => number): RotatingPages<T> {
  let page = $state(0);
  const pages = $derived(Math.max(1, Math.ceil(items().length / perPage())));
  const current = $derived(page % pages);
  const shown = $derived(items().slice(current * perPage(), (current + 1) * perPage()));

  $effect(() => {
    if (pages <= 1) {
      page = 0;
      return;
    }
    const timer = setInterval(() => (page = (page + 1) % pages), rotateMs());
    return () => clearInterval(timer);
  });

  return {
    get pages() {
      return pages;
    },
    get current() {
      return current;
    },
    get shown() {
      return shown;
    },
  };
}
