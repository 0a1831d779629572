import { useEffect, useState } from 'preact/hooks';
import { getObjectUrl } from '../api.js';

/** An image the API serves behind the API key: fetched with the header, shown from a blob URL. */
export function AuthImage({ path, alt, class: className }: { path: string; alt: string; class?: string }) {
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current: string | null = null;
    let stopped = false;
    setUrl(null);
    setError(null);
    getObjectUrl(path).then(
      (u) => {
        if (stopped) {
          URL.revokeObjectURL(u);
          return;
        }
        current = u;
        setUrl(u);
      },
      (err: Error) => !stopped && setError(err.message),
    );
    return () => {
      stopped = true;
      if (current) URL.revokeObjectURL(current);
    };
  }, [path]);
  if (error) return <p class="error">{error}</p>;
  if (!url) return <div class={`${className ?? ''} loading`} role="img" aria-label={`${alt} (loading)`} />;
  return <img class={className} src={url} alt={alt} data-loaded="true" />;
}
