import { useEffect, useRef, useState } from 'preact/hooks';
import { getAll } from '../api.js';
import { platePosition } from '../lib/plate.js';
import type { WellResult } from '../types.js';

/** Plates kept after they were shown: going back to one is instant, and memory stays a few plates whatever the job. */
const KEPT_PLATES = 8;

type PlateWells = { plate: string; wells: WellResult[]; error: null } | { plate: string; wells: null; error: string };

/**
 * One plate's well results, loaded when the plate is first shown: a 500,000-image job has ~145 plates of 384 wells
 * (~8 KB of JSON a well), so the page never loads them all. `version` (the job's status) drops what was loaded.
 * Null while the plate loads.
 */
export function usePlateWells(jobId: string, plate: string | null, version: string): PlateWells | null {
  const kept = useRef(new Map<string, WellResult[]>());
  const [state, setState] = useState<PlateWells | null>(null);
  useEffect(() => {
    kept.current.clear();
  }, [jobId, version]);
  useEffect(() => {
    if (!plate) return;
    const hit = kept.current.get(plate);
    if (hit) {
      setState({ plate, wells: hit, error: null });
      return;
    }
    let live = true;
    const path = `/v1/jobs/${encodeURIComponent(jobId)}/results?level=well&plate=${encodeURIComponent(plate)}`;
    getAll<WellResult>(path).then(
      (wells) => {
        // Plate order: AA01 after Z48, not between A48 and B01.
        wells.sort((a, b) => platePosition(a.well) - platePosition(b.well));
        kept.current.set(plate, wells);
        if (kept.current.size > KEPT_PLATES) kept.current.delete(kept.current.keys().next().value!);
        if (live) setState({ plate, wells, error: null });
      },
      (err: Error) => {
        if (live) setState({ plate, wells: null, error: err.message });
      },
    );
    return () => {
      live = false;
    };
  }, [jobId, plate, version]);
  return state?.plate === plate ? state : null;
}
