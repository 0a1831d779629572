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
import sys
import time

import numpy as np
from scipy import ndimage as ndi
from skimage import feature, filters, io, measure, morphology, segmentation

SHAPE = ('label', 'area', 'perimeter', 'eccentricity', 'solidity', 'extent', 'major_axis_length',
         'minor_axis_length', 'orientation', 'equivalent_diameter', 'centroid')


def analyse(dna_path, stain_path):
    dna = io.imread(dna_path).astype(np.float32) / 65535
    stain = io.imread(stain_path).astype(np.float32) / 65535
    smooth = filters.gaussian(dna, 1)
    mask = ndi.binary_fill_holes(smooth > filters.threshold_otsu(smooth))
    distance = ndi.distance_transform_edt(mask)
    coords = feature.peak_local_max(distance, min_distance=5, labels=measure.label(mask))
    markers = np.zeros(mask.shape, dtype=np.int32)
    markers[tuple(coords.T)] = np.arange(1, len(coords) + 1)
    labels = segmentation.watershed(-distance, markers, mask=mask)
    labels = morphology.remove_small_objects(labels, 30)
    labels, _, _ = segmentation.relabel_sequential(labels)
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
