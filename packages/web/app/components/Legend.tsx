import type { ColourScale } from '../lib/colour.js';
import { formatNumber } from '../lib/format.js';

/** The colour bar of the heatmap with its domain, plus the keys of the well markers. */
export function Legend({ scale, label }: { scale: ColourScale; label: string }) {
  const mid = (scale.min + scale.max) / 2;
  return (
    <figure class="legend" aria-label={`Legend: ${label}`}>
      <figcaption>{label}</figcaption>
      <div class="legend-bar" style={{ background: `linear-gradient(to right, ${scale.gradient()})` }} />
      <div class="legend-ticks">
        <span>{formatNumber(scale.min)}</span>
        <span>{formatNumber(mid)}</span>
        <span>{formatNumber(scale.max)}</span>
      </div>
      <ul class="legend-keys">
        <li>
          <span class="key key-neg" aria-hidden="true">
            N
          </span>
          negative control
        </li>
        <li>
          <span class="key key-pos" aria-hidden="true">
            P
          </span>
          positive control
        </li>
        <li>
          <span class="key key-missing" aria-hidden="true" />
          no result
        </li>
      </ul>
    </figure>
  );
}
