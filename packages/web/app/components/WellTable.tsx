import type { Feature } from '../lib/features.js';
import { formatNumber, formatTreatment } from '../lib/format.js';
import { href } from '../router.js';
import type { WellResult } from '../types.js';
import { Pager, usePage } from './Pager.js';

const PAGE_SIZE = 48;

/** The plate's wells as rows in plate order, a page at a time: the values behind the heatmap's colours. */
export function WellTable(props: { jobId: string; plate: string; wells: WellResult[]; feature: Feature }) {
  const { rows, ...paging } = usePage(props.wells, PAGE_SIZE);
  return (
    <>
      <Pager label="Wells" {...paging} shown={rows.length} total={props.wells.length} />
      <table class="compact wells" aria-label={`Wells of plate ${props.plate}`}>
        <thead>
          <tr>
            <th scope="col">Well</th>
            <th scope="col">Treatment</th>
            <th scope="col">Role</th>
            <th scope="col">Fields</th>
            <th scope="col">Cells</th>
            <th scope="col">{props.feature.label}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((w) => (
            <tr key={w.well}>
              <th scope="row">
                <a href={href({ page: 'well', jobId: props.jobId, plate: props.plate, well: w.well })}>{w.well}</a>
              </th>
              <td>{formatTreatment(w) || '–'}</td>
              <td>{w.role ?? '–'}</td>
              <td>{w.fieldsFailed > 0 ? `${w.fields} (${w.fieldsFailed} failed)` : w.fields}</td>
              <td>{w.cellCount}</td>
              <td>{formatNumber(props.feature.value(w))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
