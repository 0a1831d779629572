import { normalizeWell, wellId } from './wells.js';

/** Where an image file sits in the experiment: plate, well, field (0-based) and channel index (0-based). */
export interface ParsedImageName {
  plate: string;
  well: string;
  field: number;
  channel: number;
  convention: NamingConvention;
}

export type NamingConvention = 'cellomics' | 'imagexpress' | 'opera';

const EXT = '\\.(?:tiff?|png)$';

// Cellomics: <plate>_<well><fNN>d<channel>.tif, e.g. AS_09125_050116030001_D03f00d0.tif (field and channel 0-based).
const CELLOMICS = new RegExp(`^(?<plate>.+)_(?<well>[A-Za-z]{1,2}\\d{1,3})f(?<field>\\d+)d(?<channel>\\d+)${EXT}`, 'i');
// ImageXpress: <plate>_<well>_s<site>_w<wavelength>[<GUID>].tif, e.g. Plate1_A01_s1_w1.tif (site and wavelength 1-based).
const IMAGEXPRESS = new RegExp(
  `^(?<plate>.+?)_(?<well>[A-Za-z]{1,2}\\d{1,3})_s(?<field>\\d+)_w(?<channel>\\d+)(?:[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})?${EXT}`,
  'i',
);
// Opera/Phenix: r<row>c<col>f<field>p<plane>-ch<channel>sk<..>fk<..>fl<..>.tiff (all 1-based); the plate is the folder.
const OPERA = new RegExp(
  `^r(?<row>\\d{1,2})c(?<col>\\d{1,2})f(?<field>\\d+)p(?<plane>\\d+)-ch(?<channel>\\d+)sk\\d+fk\\d+fl\\d+${EXT}`,
  'i',
);

/**
 * Parses one image path (object key or file path). The file name carries well/field/channel; Opera names
 * carry no plate, so the parent folder names it. Returns undefined for names no convention matches, so
 * callers can report them instead of dropping them.
 */
export function parseImageName(path: string, only?: NamingConvention): ParsedImageName | undefined {
  const parts = path.split('/');
  const name = parts[parts.length - 1] ?? '';
  const folder = parts.length > 1 ? (parts[parts.length - 2] ?? '') : '';

  if (!only || only === 'cellomics') {
    const m = CELLOMICS.exec(name)?.groups;
    if (m) {
      return {
        plate: m.plate!,
        well: normalizeWell(m.well!),
        field: Number(m.field),
        channel: Number(m.channel),
        convention: 'cellomics',
      };
    }
  }
  if (!only || only === 'imagexpress') {
    const m = IMAGEXPRESS.exec(name)?.groups;
    if (m) {
      return {
        plate: m.plate!,
        well: normalizeWell(m.well!),
        field: Number(m.field) - 1,
        channel: Number(m.channel) - 1,
        convention: 'imagexpress',
      };
    }
  }
  if (!only || only === 'opera') {
    const m = OPERA.exec(name)?.groups;
    if (m) {
      return {
        plate: folder || 'plate',
        well: wellId(Number(m.row) - 1, Number(m.col) - 1),
        field: Number(m.field) - 1,
        channel: Number(m.channel) - 1,
        convention: 'opera',
      };
    }
  }
  return undefined;
}
