"""scikit-image reference pipeline for scripts/bench-segmenter.ts (issue 4's anchor): Otsu threshold of the
Gaussian-smoothed DNA image, hole filling, distance-transform watershed seeded by peak_local_max, objects
under 30 px removed, then regionprops shape features and per-channel intensity features on every channel.

    python3 bench-segmenter-reference.py MANIFEST.json OUT.json [ROUNDS]

MANIFEST: {"images": [{"name", "dna", "stain"}...]}. Writes each label image as <name>.ref.raw (uint32,
row-major) next to the DNA file and OUT = {"roundCpuSeconds": [...per round], "counts": [...]}. CPU time is
time.process_time() around the analysis of every image (reading the files included), on one thread; the
benchmark keeps the best round, as it does for its own pipeline.
"""
import json
import os
import sys
import time

import numpy as np
from scipy import ndimage as ndi
from skimage import measure

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'reference'))
from nuclei import read_unit, segment  # noqa: E402

SHAPE = ('label', 'area', 'perimeter', 'eccentricity', 'solidity', 'extent', 'major_axis_length',
         'minor_axis_length', 'orientation', 'equivalent_diameter', 'centroid')


def analyse(dna_path, stain_path):
    dna = read_unit(dna_path)
    stain = read_unit(stain_path)
    labels = segment(dna)
    table = measure.regionprops_table(labels, properties=SHAPE)
    index = np.arange(1, labels.max() + 1)
    for image in (dna, stain):
        measure.regionprops_table(labels, intensity_image=image, properties=('mean_intensity', 'max_intensity'))
        ndi.sum(image, labels, index)
        ndi.standard_deviation(image, labels, index)
    return labels, len(table['label'])


def main():
    manifest = json.load(open(sys.argv[1]))
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    cpu, counts = [], []
    for r in range(rounds):
        start = time.process_time()
        for item in manifest['images']:
            labels, count = analyse(item['dna'], item['stain'])
            if r == 0:
                counts.append(count)
                labels.astype(np.uint32).tofile(item['dna'] + '.ref.raw')
        cpu.append(time.process_time() - start)
    json.dump({'roundCpuSeconds': cpu, 'counts': counts}, open(sys.argv[2], 'w'))


if __name__ == '__main__':
    main()
