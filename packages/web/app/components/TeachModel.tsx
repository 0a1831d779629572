import { useState } from 'preact/hooks';
import { getObjectUrl, postBinary, postForObjectUrl, postJson } from '../api.js';
import { formatNumber } from '../lib/format.js';
import { classColour, labelCounts, labelsToGreyRgba } from '../lib/labels.js';
import { href } from '../router.js';
import type { Job, Model, Upload } from '../types.js';
import { LabelCanvas } from './LabelCanvas.js';

interface TrainingImage extends Upload {
  name: string;
  view: string;
  labels: Uint8Array;
}

/** What a model is trained from: the nuclei network fine-tuned on the strokes, or a classifier from scratch. */
type StartFrom = 'nuclei' | 'mlp' | 'forest';

/** Where touching nuclei meet: strokes of this class teach the nuclei network to separate them. */
const BOUNDARY = 'boundary';

const IMAGE_TYPES: Record<string, string> = { png: 'image/png', tif: 'image/tiff', tiff: 'image/tiff' };

/** The label image as the trainer reads it (grey k = class k) — a lossless PNG from a canvas. */
async function labelPng(image: TrainingImage): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height;
  const ctx = canvas.getContext('2d')!;
  ctx.putImageData(new ImageData(labelsToGreyRgba(image.labels), image.width, image.height), 0, 0);
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('could not encode the labels'))), 'image/png'),
  );
}

/** Upload a few images, paint ≥ 2 classes, train, preview the mask, then submit a job with the model. */
export function TeachModel({ onTrained }: { onTrained: () => void }) {
  const [images, setImages] = useState<TrainingImage[]>([]);
  const [current, setCurrent] = useState(0);
  const [classes, setClasses] = useState(['background', 'nucleus']);
  const [value, setValue] = useState(2);
  const [radius, setRadius] = useState(4);
  const [name, setName] = useState('my-nuclei');
  const [channel, setChannel] = useState('DNA');
  const [start, setStart] = useState<StartFrom>('mlp');
  const [diameter, setDiameter] = useState('');
  const [model, setModel] = useState<Model | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [showOverlay, setShowOverlay] = useState(true);
  const [experimentId, setExperimentId] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [, setVersion] = useState(0);

  const run = async (what: string, task: () => Promise<void>) => {
    setStatus(what);
    setError(null);
    try {
      await task();
      setStatus(null);
    } catch (err) {
      setStatus(null);
      setError((err as Error).message);
    }
  };

  const upload = (files: FileList | null) =>
    run('Uploading…', async () => {
      const added: TrainingImage[] = [];
      for (const file of Array.from(files ?? [])) {
        const type = IMAGE_TYPES[file.name.split('.').pop()?.toLowerCase() ?? ''] ?? file.type;
        const up = await postBinary<Upload>('/v1/uploads', file, type);
        const view = await getObjectUrl(`/v1/uploads/${up.file}/view`);
        added.push({ ...up, name: file.name, view, labels: new Uint8Array(up.width * up.height) });
      }
      setImages((prev) => [...prev, ...added]);
    });

  const train = () =>
    run('Training…', async () => {
      const sets = [];
      for (const image of images) {
        if (!image.labels.some((v) => v > 0)) continue;
        const labels = await postBinary<Upload>('/v1/uploads', await labelPng(image), 'image/png');
        sets.push({ channels: { [channel]: image.key }, labels: labels.key });
      }
      if (!sets.length) throw new Error('paint some labels first');
      const objectDiameter = diameter.trim() ? Number(diameter) : undefined;
      const how =
        start === 'nuclei'
          ? { base: 'nuclei', ...(objectDiameter === undefined ? {} : { objectDiameter }) }
          : { classifier: start };
      const body = { name, classes, channels: [channel], images: sets, ...how };
      const trained = await postJson<Model>('/v1/models', body);
      setModel(trained);
      onTrained();
      await showPreview(trained);
    });

  const showPreview = async (m: Model, index = current) => {
    const image = images[index];
    if (!image) return;
    if (preview) URL.revokeObjectURL(preview);
    setPreview(
      await postForObjectUrl(`/v1/models/${encodeURIComponent(m.modelId)}/preview?output=mask`, {
        channels: { [channel]: image.key },
      }),
    );
  };

  const submit = () =>
    run('Submitting…', async () => {
      const job = await postJson<Job>('/v1/jobs', {
        experimentId,
        segmentationChannel: channel,
        modelId: model!.modelId,
        ...(diameter.trim() ? { objectDiameter: Number(diameter) } : {}),
      });
      location.hash = href({ page: 'job', jobId: job.jobId });
    });

  const image = images[current];
  const counts = image ? labelCounts(image.labels, classes.length) : [];
  return (
    <section class="panel" aria-labelledby="teach-title">
      <h2 id="teach-title">Teach a model</h2>
      <div class="toolbar">
        <label>
          Images (PNG or TIFF)
          <input
            type="file"
            accept=".png,.tif,.tiff,image/png,image/tiff"
            multiple
            onChange={(e) => upload((e.target as HTMLInputElement).files)}
          />
        </label>
        <label>
          Channel
          <input value={channel} size={8} onInput={(e) => setChannel((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Model name
          <input value={name} size={14} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Start from
          <select value={start} onChange={(e) => setStart((e.target as HTMLSelectElement).value as StartFrom)}>
            <option value="mlp">MLP from scratch</option>
            <option value="forest">Random forest from scratch</option>
            <option value="nuclei">Nuclei base model (fine-tune)</option>
          </select>
        </label>
        <label title="Typical nucleus diameter in pixels; leave empty to estimate it per image">
          Nucleus diameter (px)
          <input
            type="number"
            min={2}
            max={1000}
            step="any"
            placeholder="auto"
            value={diameter}
            size={6}
            onInput={(e) => setDiameter((e.target as HTMLInputElement).value)}
          />
        </label>
      </div>
      {images.length > 0 && image && (
        <div class="teach">
          <div class="teach-tools">
            <fieldset>
              <legend>Paint class</legend>
              {classes.map((c, i) => (
                <label class="class-option">
                  <input type="radio" name="paint-class" checked={value === i + 1} onChange={() => setValue(i + 1)} />
                  <span class="swatch" style={{ background: `rgb(${classColour(i + 1).join(',')})` }} />
                  <input
                    aria-label={`Name of class ${i + 1}`}
                    value={c}
                    size={10}
                    onInput={(e) =>
                      setClasses(classes.map((x, j) => (j === i ? (e.target as HTMLInputElement).value : x)))
                    }
                  />
                  <span class="muted">{counts[i] ?? 0} px</span>
                </label>
              ))}
              <label class="class-option">
                <input type="radio" name="paint-class" checked={value === 0} onChange={() => setValue(0)} />
                eraser
              </label>
              <button
                type="button"
                class="secondary-dark"
                onClick={() => setClasses([...classes, `class${classes.length + 1}`])}
              >
                Add class
              </button>
              {start === 'nuclei' && !classes.includes(BOUNDARY) && (
                <button type="button" class="secondary-dark" onClick={() => setClasses([...classes, BOUNDARY])}>
                  Add boundary class
                </button>
              )}
            </fieldset>
            <label>
              Brush radius
              <input
                type="range"
                min={1}
                max={20}
                value={radius}
                onInput={(e) => setRadius(Number((e.target as HTMLInputElement).value))}
              />
              {radius} px
            </label>
            <label>
              Image
              <select
                value={current}
                onChange={(e) => {
                  const i = Number((e.target as HTMLSelectElement).value);
                  setCurrent(i);
                  if (model) showPreview(model, i).catch((err: Error) => setError(err.message));
                }}
              >
                {images.map((im, i) => (
                  <option value={i}>{im.name}</option>
                ))}
              </select>
            </label>
            <button type="button" disabled={status !== null || classes.length < 2} onClick={train}>
              Train
            </button>
            {model && (
              <div class="trained" aria-live="polite">
                <p>
                  Trained <strong>{model.name}</strong> v{model.version}: pixel accuracy{' '}
                  {formatNumber(model.metrics.pixelAccuracy)} in {formatNumber(model.metrics.trainSeconds)} s.
                </p>
                <label>
                  <input
                    type="checkbox"
                    checked={showOverlay}
                    onChange={(e) => setShowOverlay((e.target as HTMLInputElement).checked)}
                  />
                  Show preview mask
                </label>
                <form
                  onSubmit={(e) => {
                    e.preventDefault();
                    submit();
                  }}
                >
                  <label>
                    Experiment
                    <input
                      required
                      value={experimentId}
                      onInput={(e) => setExperimentId((e.target as HTMLInputElement).value)}
                    />
                  </label>{' '}
                  <button type="submit" disabled={status !== null}>
                    Run a job with this model
                  </button>
                </form>
              </div>
            )}
          </div>
          <LabelCanvas
            src={image.view}
            width={image.width}
            height={image.height}
            labels={image.labels}
            value={value}
            radius={radius}
            overlay={showOverlay ? preview : null}
            onPainted={() => setVersion((v) => v + 1)}
            alt={`Training image ${image.name}`}
          />
        </div>
      )}
      {status && <p aria-live="polite">{status}</p>}
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
    </section>
  );
}
