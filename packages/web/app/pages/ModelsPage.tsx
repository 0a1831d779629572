import { useEffect, useState } from 'preact/hooks';
import { getJson } from '../api.js';
import { TeachModel } from '../components/TeachModel.js';
import { describeClassifier, formatNumber, formatTime } from '../lib/format.js';
import type { Model, Page } from '../types.js';

/** The registry, and the teach-then-batch loop: paint labels, train, preview, then run a job with the model. */
export function ModelsPage() {
  const [models, setModels] = useState<Model[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = () =>
    getJson<Page<Model>>('/v1/models?limit=100').then(
      (p) => setModels(p.items),
      (err: Error) => setError(err.message),
    );
  useEffect(() => {
    reload();
  }, []);

  return (
    <section aria-labelledby="models-title">
      <h1 id="models-title">Models</h1>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <TeachModel onTrained={reload} />
      <section class="panel" aria-labelledby="registry-title">
        <h2 id="registry-title">Registry</h2>
        {models?.length === 0 && <p>No models yet: jobs use the base model.</p>}
        {models && models.length > 0 && (
          <table class="compact">
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">Version</th>
                <th scope="col">Classes</th>
                <th scope="col">Channels</th>
                <th scope="col">Classifier</th>
                <th scope="col">Pixel accuracy</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {models.map((m) => (
                <tr>
                  <th scope="row">
                    {m.name} <span class="muted">{m.modelId}</span>
                  </th>
                  <td>{m.version}</td>
                  <td>{m.classes.join(', ')}</td>
                  <td>{m.channels.join(', ')}</td>
                  <td>{describeClassifier(m.architecture)}</td>
                  <td>{formatNumber(m.metrics.pixelAccuracy)}</td>
                  <td>{formatTime(m.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </section>
  );
}
