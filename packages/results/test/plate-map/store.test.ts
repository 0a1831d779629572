import { openTestDatabase } from '@platescale/db/testing';
import t from 'tap';
import { parsePlateMap } from '../../src/plate-map/parse.js';
import { loadPlateMap, savePlateMap } from '../../src/plate-map/store.js';

t.test('a saved plate map loads back and a second save replaces it', async (t) => {
  const database = await openTestDatabase();
  t.teardown(() => database.dispose());
  const ref = { experimentId: 'exp-1' };
  const first = parsePlateMap(
    'well,treatment,dose,unit,role,line\nA01,DMSO,0,uM,negative_control,HeLa\nA02,x,1,uM,sample,HeLa\n',
    {
      format: 'csv',
      plateFormat: 96,
    },
  );
  t.equal(await savePlateMap(database.db, ref, first), 2);
  t.same(await loadPlateMap(database.db, ref), first);
  const second = parsePlateMap([{ well: 'B01', treatment: 'y' }], { format: 'json', plateFormat: 96 });
  await savePlateMap(database.db, ref, second);
  t.same(await loadPlateMap(database.db, ref), second);
  t.same(await loadPlateMap(database.db, { experimentId: 'other' }), []);
});
