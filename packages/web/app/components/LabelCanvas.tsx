import { useEffect, useRef } from 'preact/hooks';
import { classColour, stampDisc } from '../lib/labels.js';

interface Props {
  /** The image painted on (a URL the page may show). */
  src: string;
  width: number;
  height: number;
  /** Mutated in place as the user paints; `version` bumps tell the parent. */
  labels: Uint8Array;
  value: number;
  radius: number;
  onPainted: () => void;
  /** An optional overlay above the labels (the model's preview mask). */
  overlay?: string | null;
  alt: string;
}

const LABEL_ALPHA = 150;

/** Paints class labels over an image with a round brush (pointer: mouse, pen or touch). */
export function LabelCanvas({ src, width, height, labels, value, radius, onPainted, overlay, alt }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const pixels = useRef<ImageData | null>(null);
  const painting = useRef(false);
  const last = useRef<{ x: number; y: number } | null>(null);

  // Redraw everything when the image (and so its label buffer) changes.
  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    const data = ctx.createImageData(width, height);
    for (let i = 0; i < labels.length; i++) paint(data, i, labels[i]!);
    pixels.current = data;
    ctx.putImageData(data, 0, 0);
  }, [labels, width, height]);

  const at = (e: PointerEvent) => {
    const el = canvas.current!;
    const box = el.getBoundingClientRect();
    return { x: ((e.clientX - box.left) / box.width) * width, y: ((e.clientY - box.top) / box.height) * height };
  };

  const stamp = (ctx: CanvasRenderingContext2D, data: ImageData, x: number, y: number) => {
    const rect = stampDisc(labels, width, height, x, y, radius, value);
    if (!rect) return;
    for (let yy = rect.y; yy < rect.y + rect.height; yy++) {
      for (let xx = rect.x; xx < rect.x + rect.width; xx++) paint(data, yy * width + xx, labels[yy * width + xx]!);
    }
    ctx.putImageData(data, 0, 0, rect.x, rect.y, rect.width, rect.height);
  };

  // Pointer events arrive spaced out on a fast drag: fill the gap from the last point so a stroke stays unbroken.
  const stroke = (e: PointerEvent) => {
    const ctx = canvas.current?.getContext('2d');
    const data = pixels.current;
    if (!ctx || !data) return;
    const to = at(e);
    const from = last.current ?? to;
    const steps = Math.max(1, Math.ceil(Math.hypot(to.x - from.x, to.y - from.y) / Math.max(1, radius / 2)));
    for (let i = 1; i <= steps; i++) {
      stamp(ctx, data, from.x + ((to.x - from.x) * i) / steps, from.y + ((to.y - from.y) * i) / steps);
    }
    last.current = to;
  };

  return (
    <div class="stack paint" style={{ aspectRatio: `${width} / ${height}` }}>
      <img src={src} alt={alt} />
      <canvas
        ref={canvas}
        width={width}
        height={height}
        aria-label="Label painting area: drag to paint the chosen class"
        onPointerDown={(e) => {
          painting.current = true;
          last.current = null;
          (e.target as HTMLCanvasElement).setPointerCapture(e.pointerId);
          stroke(e);
        }}
        onPointerMove={(e) => painting.current && stroke(e)}
        onPointerUp={() => {
          painting.current = false;
          onPainted();
        }}
      />
      {overlay && <img class="preview" src={overlay} alt="Model preview mask" />}
    </div>
  );
}

function paint(data: ImageData, i: number, k: number) {
  if (k === 0) {
    data.data[i * 4 + 3] = 0;
    return;
  }
  const [r, g, b] = classColour(k);
  data.data.set([r, g, b, LABEL_ALPHA], i * 4);
}
