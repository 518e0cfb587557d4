import { useEffect, useState } from 'react';
import { NodePoolPage } from './pages/NodePoolPage';
import { Overview } from './pages/Overview';
import { WarmPools } from './pages/WarmPools';

/** The route in the address's hash: `#/`, `#/pool/<node pool name>`, `#/warm-pools`. */
type Route = { page: 'overview' } | { page: 'pool'; name: string } | { page: 'warm-pools' };

function parseRoute(hash: string): Route {
  const pool = /^#\/pool\/(.+)$/.exec(hash);
  if (pool?.[1]) return { page: 'pool', name: decodeURIComponent(pool[1]) };
  if (hash === '#/warm-pools') return { page: 'warm-pools' };
  return { page: 'overview' };
}

/** Links keep the page's query string (the gateway URL) and change only the hash. */
export const poolHref = (name: string) => `#/pool/${encodeURIComponent(name)}`;

export function App() {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onHash = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return (
    <>
      <nav className="top">
        <strong>Fleet dashboard</strong>
        <a href="#/">Clusters</a>
        <a href="#/warm-pools">Warm pools</a>
        <span className="hint">polls every 15 s</span>
      </nav>
      <main>
        {route.page === 'overview' && <Overview />}
        {route.page === 'pool' && <NodePoolPage name={route.name} />}
        {route.page === 'warm-pools' && <WarmPools />}
      </main>
    </>
  );
}
