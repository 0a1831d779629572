import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'jobs'; status?: string; experimentId?: string }
  | { page: 'job'; jobId: string }
  | { page: 'well'; jobId: string; plate: string; well: string }
  | { page: 'models' };

/** Hash routes, so the API serves one document at `/` and deep links survive a reload. */
export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'jobs' && parts[1] && parts[2] === 'wells' && parts[3] && parts[4]) {
    return { page: 'well', jobId: parts[1], plate: parts[3], well: parts[4] };
  }
  if (parts[0] === 'jobs' && parts[1]) return { page: 'job', jobId: parts[1] };
  if (parts[0] === 'models') return { page: 'models' };
  const params = new URLSearchParams(query);
  return {
    page: 'jobs',
    ...(params.get('status') ? { status: params.get('status')! } : {}),
    ...(params.get('experimentId') ? { experimentId: params.get('experimentId')! } : {}),
  };
}

export function href(route: Route): string {
  const e = encodeURIComponent;
  switch (route.page) {
    case 'job':
      return `#/jobs/${e(route.jobId)}`;
    case 'well':
      return `#/jobs/${e(route.jobId)}/wells/${e(route.plate)}/${e(route.well)}`;
    case 'models':
      return '#/models';
    default: {
      const q = new URLSearchParams();
      if (route.status) q.set('status', route.status);
      if (route.experimentId) q.set('experimentId', route.experimentId);
      const s = q.toString();
      return `#/jobs${s ? `?${s}` : ''}`;
    }
  }
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}
