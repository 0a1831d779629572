import { memo } from 'preact/compat';
import { logLogistic, logSpace } from '../lib/dose-response.js';
import { formatNumber } from '../lib/format.js';
import type { ConditionResult, DoseResponseFit } from '../types.js';

/** Okabe–Ito, one per treatment, with a distinct marker shape each so colour is not the only key. */
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'];
const W = 560;
const H = 300;
const PAD = { left: 56, right: 16, top: 12, bottom: 40 };

function Marker({ x, y, shape, colour }: { x: number; y: number; shape: number; colour: string }) {
  if (shape % 3 === 1) return <rect x={x - 3.5} y={y - 3.5} width={7} height={7} fill={colour} />;
  if (shape % 3 === 2)
    return <path d={`M${x},${y - 4.5}L${x + 4.5},${y + 3.5}L${x - 4.5},${y + 3.5}Z`} fill={colour} />;
  return <circle cx={x} cy={y} r={3.5} fill={colour} />;
}

/**
 * Fitted 4PL curves (log dose axis) over each dose's mean ± SD across its sample wells (the condition level, pooled
 * over the plates: a few hundred points whatever the job's size), one colour and marker per treatment. Memoised:
 * switching the heatmap's feature or page must not redraw it.
 */
export const DoseResponseChart = memo(function DoseResponseChart({
  fits,
  conditions,
  feature,
}: {
  fits: DoseResponseFit[];
  conditions: ConditionResult[];
  feature: string;
}) {
  const shown = fits.filter((f) => f.feature === feature);
  const points = conditions
    .filter((c) => c.role === 'sample' && c.feature === feature && c.dose > 0 && Number.isFinite(c.mean))
    .map((c) => ({ treatment: c.treatment, dose: c.dose, value: c.mean, sd: c.sd ?? 0 }));
  const doses = points.map((p) => p.dose).concat(shown.flatMap((f) => (f.ec50 ? [f.ec50 / 10, f.ec50 * 10] : [])));
  if (!shown.length || !doses.length) return <p>No dose-response fit for {feature}.</p>;
  const lo = Math.min(...doses);
  const hi = Math.max(...doses);
  const curves = shown.map((f) =>
    f.ec50 && f.hill !== null && f.top !== null && f.bottom !== null
      ? logSpace(lo, hi, 80).map((d) => ({
          d,
          v: logLogistic(d, { ec50: f.ec50!, hill: f.hill!, top: f.top!, bottom: f.bottom! }),
        }))
      : [],
  );
  const values = points.flatMap((p) => [p.value - p.sd, p.value + p.sd]).concat(curves.flat().map((c) => c.v));
  const vmin = Math.min(0, ...values);
  const vmax = Math.max(...values) * 1.05 || 1;
  const x = (d: number) =>
    PAD.left + ((Math.log10(d) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo) || 1)) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - ((v - vmin) / (vmax - vmin)) * (H - PAD.top - PAD.bottom);
  const decades = logSpace(lo, hi, 5);
  return (
    <figure class="dose-response">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`Dose-response of ${feature}: fitted curves per treatment over dose means ± SD`}
      >
        <line x1={PAD.left} y1={H - PAD.bottom} x2={W - PAD.right} y2={H - PAD.bottom} class="axis" />
        <line x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={H - PAD.bottom} class="axis" />
        {decades.map((d) => (
          <text x={x(d)} y={H - PAD.bottom + 16} text-anchor="middle" class="tick">
            {formatNumber(d)}
          </text>
        ))}
        {[vmin, (vmin + vmax) / 2, vmax].map((v) => (
          <text x={PAD.left - 6} y={y(v) + 4} text-anchor="end" class="tick">
            {formatNumber(v)}
          </text>
        ))}
        <text x={(W + PAD.left) / 2} y={H - 4} text-anchor="middle" class="axis-label">
          dose {shown[0]?.unit ? `(${shown[0].unit})` : ''} — log scale
        </text>
        {shown.map((f, i) => {
          const colour = COLOURS[i % COLOURS.length]!;
          const curve = curves[i]!;
          return (
            <g>
              {curve.length > 0 && (
                <polyline
                  fill="none"
                  stroke={colour}
                  stroke-width={2}
                  points={curve.map((c) => `${x(c.d).toFixed(1)},${y(c.v).toFixed(1)}`).join(' ')}
                />
              )}
              {points
                .filter((p) => p.treatment === f.treatment)
                .map((p) => (
                  <g>
                    {p.sd > 0 && (
                      <line
                        x1={x(p.dose)}
                        x2={x(p.dose)}
                        y1={y(p.value - p.sd)}
                        y2={y(p.value + p.sd)}
                        stroke={colour}
                      />
                    )}
                    <Marker x={x(p.dose)} y={y(p.value)} shape={i} colour={colour} />
                  </g>
                ))}
              {f.ec50 && (
                <line
                  x1={x(f.ec50)}
                  x2={x(f.ec50)}
                  y1={PAD.top}
                  y2={H - PAD.bottom}
                  stroke={colour}
                  stroke-dasharray="4 3"
                />
              )}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul class="series">
          {shown.map((f, i) => (
            <li>
              <svg width="14" height="14" aria-hidden="true">
                <Marker x={7} y={7} shape={i} colour={COLOURS[i % COLOURS.length]!} />
              </svg>
              {f.treatment}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
});
