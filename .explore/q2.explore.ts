import { it } from 'vitest';
import { startTestGateway } from '../test/helpers/gateway.js';
it('explore', async () => {
  const gw = await startTestGateway(JSON.parse(process.env.GW_ENV ?? '{}'));
  const qs = JSON.parse(process.env.QS!) as [string, Record<string, unknown>?, Record<string,string>?, Record<string, unknown>?][];
  for (const [q, v, h, faults] of qs) {
    gw.reset();
    if (faults) for (const [vendor, f] of Object.entries(faults)) gw.faults(vendor as never, f as never);
    const t = Date.now();
    const r = await gw.query(q, v, h);
    console.log('QUERY', q, '\n', JSON.stringify(r, null, 1).slice(0, Number(process.env.MAX ?? 3000)));
    console.log('ms', Date.now() - t, JSON.stringify(gw.calls()));
    if (process.env.REQS) for (const vend of ['fireworks','runai','gitpod'] as const) for (const req of gw.requests(vend)) console.log(vend, req.operation, JSON.stringify(req.query), JSON.stringify(req.body), req.credential, req.status);
  }
  await gw.stop();
}, 60000);
