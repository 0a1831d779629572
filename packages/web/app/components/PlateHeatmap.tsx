import type { ColourScale } from '../lib/colour.js';
import { textColourOn } from '../lib/colour.js';
import type { Feature } from '../lib/features.js';
import { formatNumber } from '../lib/format.js';
import { plateGeometry, wellKey, wellName } from '../lib/plate.js';
import type { WellResult } from '../types.js';

interface Props {
  plate: string;
  format: 96 | 384;
  wells: WellResult[];
  feature: Feature;
  scale: ColourScale;
  onOpen: (well: string) => void;
}

const ROLE_MARK = { negative_control: 'N', positive_control: 'P' } as const;
const ROLE_TEXT = { negative_control: 'negative control', positive_control: 'positive control', sample: 'sample' };

/**
 * The plate as a table of buttons: rows and columns have headers, every well is focusable and names its value, so
 * the map reads with a keyboard and a screen reader as well as by colour.
 */
export function PlateHeatmap({ plate, format, wells, feature, scale, onOpen }: Props) {
  const { rows, columns } = plateGeometry(format);
  const byWell = new Map(wells.map((w) => [wellKey(w.well), w]));
  return (
    <table class={`plate plate-${format}`} data-plate={plate} aria-label={`Plate ${plate}: ${feature.label} per well`}>
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
              const label = [
                name,
                row ? `${feature.label} ${formatNumber(value)}` : 'no result',
                role ? ROLE_TEXT[role] : '',
                row?.treatment ? `${row.treatment}${row.dose != null ? ` ${row.dose} ${row.unit ?? ''}` : ''}` : '',
                row && row.fieldsFailed > 0 ? `${row.fieldsFailed} failed fields` : '',
              ]
                .filter(Boolean)
                .join(', ');
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
                    onClick={() => onOpen(row!.well)}
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
}
