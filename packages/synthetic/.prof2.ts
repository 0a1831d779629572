import { renderField } from './src/index.js';

for (const count of [0, 100, 0, 100]) {
  const t = performance.now();
  const c = process.cpuUsage();
  for (let i = 0; i < 40; i++) renderField({ width: 512, height: 512, seed: i, count });
  const u = process.cpuUsage(c);
  console.log(count, 'wall', (performance.now() - t) / 40, 'cpu', (u.user + u.system) / 1000 / 40);
}
