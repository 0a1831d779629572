import { useEffect, useState } from 'preact/hooks';
import { setUnauthorizedHandler } from './api.js';
import { JobPage } from './pages/JobPage.js';
import { JobsPage } from './pages/JobsPage.js';
import { ModelsPage } from './pages/ModelsPage.js';
import { SignIn } from './pages/SignIn.js';
import { WellPage } from './pages/WellPage.js';
import { href, useRoute } from './router.js';
import { clearApiKey, getApiKey } from './session.js';

export function App() {
  const [signedIn, setSignedIn] = useState(() => getApiKey() !== null);
  const route = useRoute();
  useEffect(() => setUnauthorizedHandler(() => setSignedIn(false)), []);

  if (!signedIn) return <SignIn onSignedIn={() => setSignedIn(true)} />;
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <a class="brand" href={href({ page: 'jobs' })}>
          platescale
        </a>
        <nav aria-label="Main">
          <a href={href({ page: 'jobs' })}>Jobs</a>
          <a href={href({ page: 'models' })}>Models</a>
          <a href="/docs">API docs</a>
        </nav>
        <button
          type="button"
          class="secondary"
          onClick={() => {
            clearApiKey();
            setSignedIn(false);
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {route.page === 'jobs' && <JobsPage route={route} />}
        {route.page === 'job' && <JobPage jobId={route.jobId} />}
        {route.page === 'models' && <ModelsPage />}
        {route.page === 'well' && <WellPage jobId={route.jobId} plate={route.plate} well={route.well} />}
      </main>
    </>
  );
}
