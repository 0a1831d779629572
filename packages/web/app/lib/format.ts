/** Compact human durations: 42 s, 3 min 05 s, 2 h 10 min. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** Three significant digits, no exponent below a million: enough to compare wells at a glance. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  if (value !== 0 && Math.abs(value) < 0.01) return value.toExponential(2);
  return Number(value.toPrecision(3)).toLocaleString('en-US');
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  return d.toLocaleString('en-GB', { dateStyle: 'short', timeStyle: 'medium' });
}

/** A model's classifier in a few words: "MLP, 16 hidden", "logistic", "forest, 50 trees", "nuclei network, fine-tuned". */
export function describeClassifier(a: {
  classifier: 'logistic' | 'mlp' | 'forest' | 'network';
  hidden: number;
  trees?: number;
}) {
  if (a.classifier === 'network') return 'nuclei network, fine-tuned';
  if (a.classifier === 'forest') return a.trees ? `forest, ${a.trees} trees` : 'forest';
  return a.classifier === 'mlp' ? `MLP, ${a.hidden} hidden` : 'logistic';
}

/** A well's treatment and dose as a reader names it ("cmpd1 0.316 uM"); '' when the plate map gives none. */
export function formatTreatment(w: { treatment?: string | null; dose?: number | null; unit?: string | null }): string {
  if (!w.treatment) return '';
  return w.dose != null ? `${w.treatment} ${formatNumber(w.dose)} ${w.unit ?? ''}`.trimEnd() : w.treatment;
}
