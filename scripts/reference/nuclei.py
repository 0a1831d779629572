"""The scikit-image reference recipe for nuclei (CellProfiler's IdentifyPrimaryObjects, done the plain way): Otsu
threshold of the Gaussian-smoothed (σ 1) image, hole filling, distance-transform watershed seeded by
peak_local_max(min_distance=5), objects under 30 px removed, labels renumbered 1..N.
Used by bench-segmenter-reference.py (speed) and bench-accuracy-reference.py (accuracy)."""
import numpy as np
from scipy import ndimage as ndi
from skimage import feature, filters, io, measure, morphology, segmentation


def read_unit(path):
    """An image as float in [0, 1], scaled by its format's maximum; colour → its brightest band."""
    image = io.imread(path)
    if image.ndim == 3:
        image = image[..., :3].max(axis=-1)
    maximum = np.iinfo(image.dtype).max if np.issubdtype(image.dtype, np.integer) else 1.0
    return image.astype(np.float32) / maximum


def segment(image):
    smooth = filters.gaussian(image, 1)
    mask = ndi.binary_fill_holes(smooth > filters.threshold_otsu(smooth))
    distance = ndi.distance_transform_edt(mask)
    coords = feature.peak_local_max(distance, min_distance=5, labels=measure.label(mask))
    markers = np.zeros(mask.shape, dtype=np.int32)
    markers[tuple(coords.T)] = np.arange(1, len(coords) + 1)
    labels = segmentation.watershed(-distance, markers, mask=mask)
    labels = morphology.remove_small_objects(labels, 30)
    labels, _, _ = segmentation.relabel_sequential(labels)
    return labels
