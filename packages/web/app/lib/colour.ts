/**
 * Colour scales for the plate heatmap. Sequential features use viridis and signed ones (robust z) a purple–orange
 * diverging scale (ColorBrewer PuOr): both stay readable with the common colour-vision deficiencies and in grey.
 */
type Rgb = [number, number, number];

const VIRIDIS: Rgb[] = [
  [68, 1, 84],
  [72, 40, 120],
  [62, 74, 137],
  [49, 104, 142],
  [38, 130, 142],
  [31, 158, 137],
  [53, 183, 121],
  [109, 205, 89],
  [180, 222, 44],
  [253, 231, 37],
];

const PUOR: Rgb[] = [
  [45, 0, 75],
  [84, 39, 136],
  [128, 115, 172],
  [178, 171, 210],
  [216, 218, 235],
  [247, 247, 247],
  [254, 224, 182],
  [253, 184, 99],
  [224, 130, 20],
  [179, 88, 6],
  [127, 59, 8],
];

export type ScaleKind = 'sequential' | 'diverging';

export interface ColourScale {
  kind: ScaleKind;
  min: number;
  max: number;
  /** A CSS colour for a value (clamped to the domain). */
  colour(value: number): string;
  /** CSS linear-gradient stops from min to max, for the legend. */
  gradient(): string;
}

const css = ([r, g, b]: Rgb) => `rgb(${r}, ${g}, ${b})`;

function sample(stops: Rgb[], t: number): Rgb {
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i]!;
  const b = stops[i + 1]!;
  return [0, 1, 2].map((k) => Math.round(a[k]! + (b[k]! - a[k]!) * f)) as Rgb;
}

/** A scale over the finite values; diverging scales are symmetric around 0 so white always means "like controls". */
export function colourScale(values: number[], kind: ScaleKind): ColourScale {
  const finite = values.filter(Number.isFinite);
  let min = finite.length ? Math.min(...finite) : 0;
  let max = finite.length ? Math.max(...finite) : 1;
  if (kind === 'diverging') {
    const extent = Math.max(Math.abs(min), Math.abs(max)) || 1;
    min = -extent;
    max = extent;
  } else if (min === max) {
    max = min + 1;
  }
  const stops = kind === 'diverging' ? PUOR : VIRIDIS;
  return {
    kind,
    min,
    max,
    colour: (value) => css(sample(stops, (value - min) / (max - min))),
    gradient: () => stops.map((s, i) => `${css(s)} ${((100 * i) / (stops.length - 1)).toFixed(0)}%`).join(', '),
  };
}

/** Black or white text, whichever reads on the given scale colour (relative luminance). */
export function textColourOn(rgb: string): string {
  const [r, g, b] = (rgb.match(/\d+/g) ?? ['0', '0', '0']).map(Number) as Rgb;
  const lum = (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
  return lum > 0.55 ? '#000' : '#fff';
}
