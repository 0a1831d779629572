import { memo } from 'preact/compat';
import type { ColourScale } from '../lib/colour.js';
import { textColourOn } from '../lib/colour.js';
import type { Feature } from '../lib/features.js';
import { formatNumber, formatTreatment } from '../lib/format.js';
import { type PlateFormat, plateGeometry, wellKey, wellName } from '../lib/plate.js';
import type { WellResult } from '../types.js';

interface Props {
  plate: string;
  format: PlateFormat;
  wells: WellResult[];
  feature: Feature;
  scale: ColourScale;
  onOpen: (well: string) => void;
  /** The well under the pointer or focus (null when it leaves the plate). */
  onHover: (well: WellResult | null) => void;
}

const ROLE_MARK = { negative_control: 'N', positive_control: 'P' } as const;
const ROLE_TEXT = { negative_control: 'negative control', positive_control: 'positive control', sample: 'sample' };

/** What a well's button says (to a screen reader, as its tooltip, in the read-out under the plate). */
export function describeWell(name: string, row: WellResult | undefined, feature: Feature): string {
  const value = row ? feature.value(row) : undefined;
  const role = row?.role ?? null;
  return [
    name,
    row ? `${feature.label} ${formatNumber(value)}` : 'no result',
    role ? ROLE_TEXT[role] : '',
    row ? formatTreatment(row) : '',
    row && row.fieldsFailed > 0 ? `${row.fieldsFailed} failed fields` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

/** The well button an event came from, if any. */
const wellOf = (event: Event) => (event.target as Element | null)?.closest<HTMLButtonElement>('button[data-well]');

/**
 * The plate as a table of buttons: rows and columns have headers, every well is focusable and names its value, so
 * the map reads with a keyboard and a screen reader as well as by colour. Memoised and with one listener per
 * event on the table (not one per well): hovering or paging elsewhere does not re-render 1,536 buttons.
 */
export const PlateHeatmap = memo(function PlateHeatmap({
  plate,
  format,
  wells,
  feature,
  scale,
  onOpen,
  onHover,
}: Props) {
  const { rows, columns } = plateGeometry(format);
  const byWell = new Map(wells.map((w) => [wellKey(w.well), w]));
  const hover = (event: Event) => {
    const name = wellOf(event)?.dataset.well;
    onHover(name ? (byWell.get(name) ?? null) : null);
  };
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: each well is a button; Enter or Space on it clicks, and the click bubbles here.
    // biome-ignore lint/a11y/useKeyWithMouseEvents: focus is followed too, in the capture phase (focus does not bubble).
    <table
      class={`plate plate-${format}`}
      data-plate={plate}
      aria-label={`Plate ${plate}: ${feature.label} per well`}
      onClick={(event) => {
        const name = wellOf(event)?.dataset.well;
        const row = name ? byWell.get(name) : undefined;
        if (row) onOpen(row.well);
      }}
      onMouseOver={hover}
      onFocusCapture={hover}
      onMouseLeave={() => onHover(null)}
    >
      <thead>
        <tr>
          <td />
          {columns.map((c) => (
            <th scope="col">{c}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr>
            <th scope="row">{r}</th>
            {columns.map((c) => {
              const name = wellName(r, c);
              const row = byWell.get(name);
              const value = row ? feature.value(row) : undefined;
              const fill = value === undefined ? undefined : scale.colour(value);
              const role = row?.role ?? null;
              const mark = role && role !== 'sample' ? ROLE_MARK[role] : '';
              const label = describeWell(name, row, feature);
              return (
                <td>
                  <button
                    type="button"
                    class={`well${row ? '' : ' well-missing'}${mark ? ` well-${role}` : ''}`}
                    data-well={name}
                    style={fill ? { background: fill, color: textColourOn(fill) } : undefined}
                    aria-label={label}
                    title={label}
                    disabled={!row}
                  >
                    {mark}
                  </button>
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
});
