import type { JobStatus } from '../types.js';

/** Status as text plus a shape-coded badge: colour is never the only signal. */
const ICONS: Record<JobStatus, string> = {
  QUEUED: '◷',
  RUNNING: '▶',
  SUCCEEDED: '✓',
  PARTIALLY_SUCCEEDED: '◐',
  FAILED: '✕',
  CANCELLED: '■',
};

export function StatusBadge({ status }: { status: JobStatus }) {
  return (
    <span class={`badge badge-${status.toLowerCase()}`}>
      <span aria-hidden="true">{ICONS[status]} </span>
      {status.replace('_', ' ').toLowerCase()}
    </span>
  );
}
