"""The scikit-image reference (reference/nuclei.py) on the images of scripts/bench-accuracy.ts.

    python3 bench-accuracy-reference.py MANIFEST.json

MANIFEST: {"images": [{"path", "out"}...]}: each image's labels are written to `out` (uint32, row-major).
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'reference'))
from nuclei import read_unit, segment  # noqa: E402


def main():
    for item in json.load(open(sys.argv[1]))['images']:
        segment(read_unit(item['path'])).astype(np.uint32).tofile(item['out'])


if __name__ == '__main__':
    main()
