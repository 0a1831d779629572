import { useCallback, useMemo, useState } from 'preact/hooks';
import { colourScale } from '../lib/colour.js';
import type { Feature } from '../lib/features.js';
import type { PlateFormat } from '../lib/plate.js';
import { href } from '../router.js';
import type { WellResult } from '../types.js';
import { Legend } from './Legend.js';
import { describeWell, PlateHeatmap } from './PlateHeatmap.js';

/**
 * The heatmap of one plate with its legend and a read-out of the well under the pointer or focus. The read-out's
 * state lives here, beside the memoised heatmap, so moving over 1,536 wells re-renders one line of text.
 */
export function HeatmapPanel(props: {
  jobId: string;
  plate: string;
  format: PlateFormat;
  wells: WellResult[];
  feature: Feature;
}) {
  const { jobId, plate, wells, feature } = props;
  const [hovered, setHovered] = useState<WellResult | null>(null);
  const scale = useMemo(
    () =>
      colourScale(
        wells.map((w) => feature.value(w)).filter((v): v is number => v !== undefined),
        feature.kind,
      ),
    [wells, feature],
  );
  const open = useCallback(
    (well: string) => {
      location.hash = href({ page: 'well', jobId, plate, well });
    },
    [jobId, plate],
  );
  return (
    <>
      <div class="heatmap-row">
        <PlateHeatmap
          plate={plate}
          format={props.format}
          wells={wells}
          feature={feature}
          scale={scale}
          onOpen={open}
          onHover={setHovered}
        />
        <Legend scale={scale} label={feature.label} />
      </div>
      <p class="readout" data-testid="well-readout">
        {hovered ? describeWell(hovered.well, hovered, feature) : 'Point at a well to read its value.'}
      </p>
    </>
  );
}
