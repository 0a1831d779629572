import { useEffect, useState } from 'preact/hooks';

/**
 * One page of `items` at a time: a table of 1,536 wells (or thousands of failed fields) keeps a page of rows in
 * the document, so it renders and re-renders in a few ms. Returns to the first page when the items change.
 */
export function usePage<T>(items: readonly T[], size: number) {
  const [page, setPage] = useState(0);
  useEffect(() => setPage(0), [items]);
  const pages = Math.max(1, Math.ceil(items.length / size));
  const current = Math.min(page, pages - 1);
  return {
    rows: items.slice(current * size, (current + 1) * size),
    first: current * size,
    page: current,
    pages,
    setPage,
  };
}

/** Previous / next and where the page lies in the whole (rows x–y of n). */
export function Pager(props: {
  label: string;
  page: number;
  pages: number;
  first: number;
  shown: number;
  total: number;
  setPage(page: number): void;
}) {
  if (props.pages <= 1) return null;
  return (
    <nav class="pager" aria-label={`${props.label} pages`}>
      <button type="button" disabled={props.page === 0} onClick={() => props.setPage(props.page - 1)}>
        Previous
      </button>
      <span data-testid="pager-status">
        {props.label} {props.first + 1}–{props.first + props.shown} of {props.total}
      </span>
      <button type="button" disabled={props.page >= props.pages - 1} onClick={() => props.setPage(props.page + 1)}>
        Next
      </button>
    </nav>
  );
}
