import { parseImageName } from '@platescale/shared';
import t from 'tap';
import { pickSegmentationChannel } from '../../src/lib/import-folder.js';

const parsed = (...names: string[]) => names.map((n) => parseImageName(n)!);

t.test('the segmentation channel is the first channel that has images, unless one is named', async (t) => {
  const onlyD2 = parsed('AS_09125_050116030001_D03f00d2.tif', 'AS_09125_050116030001_D04f00d2.tif');
  t.equal(pickSegmentationChannel(undefined, ['ch1', 'ch2', 'ch3'], onlyD2), 'ch3', 'a Cellomics folder of d2 only');
  const all = parsed('P_A01_s1_w2.tif', 'P_A01_s1_w1.tif');
  t.equal(pickSegmentationChannel(undefined, ['DNA', 'PH3'], all), 'DNA');
  t.equal(pickSegmentationChannel('PH3', ['DNA', 'PH3'], all), 'PH3');
  t.throws(() => pickSegmentationChannel('ch1', ['ch1', 'ch2', 'ch3'], onlyD2), {
    name: 'ValidationError',
    message: "--segmentation-channel 'ch1' has no images in this folder (channels with images: ch3)",
  });
});
