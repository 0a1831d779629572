import t from 'tap';
import { describeClassifier, formatNumber, formatTreatment } from '../../../app/lib/format.js';

t.test('a model row names its classifier', async (t) => {
  t.equal(describeClassifier({ classifier: 'mlp', hidden: 16 }), 'MLP, 16 hidden');
  t.equal(describeClassifier({ classifier: 'logistic', hidden: 0 }), 'logistic');
  t.equal(describeClassifier({ classifier: 'forest', hidden: 0, trees: 50 }), 'forest, 50 trees');
  t.equal(describeClassifier({ classifier: 'network', hidden: 0 }), 'nuclei network, fine-tuned');
});

t.test('numbers: three significant digits, tiny ones in exponent form, none as a dash', async (t) => {
  t.equal(formatNumber(1234.5), '1,230');
  t.equal(formatNumber(0.004321), '4.32e-3');
  t.equal(formatNumber(null), '–');
});

t.test('a treatment with its dose to three digits', async (t) => {
  t.equal(formatTreatment({ treatment: 'cmpd1', dose: 0.31622776601683794, unit: 'uM' }), 'cmpd1 0.316 uM');
  t.equal(formatTreatment({ treatment: 'DMSO', dose: null }), 'DMSO');
  t.equal(formatTreatment({ treatment: null }), '');
});
