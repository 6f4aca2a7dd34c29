"""Minimal Fashion-MNIST reader (numpy only).

Reads the gzipped IDX files shipped by the Debian package `dataset-fashion-mnist`
(/usr/share/datasets/fashion-mnist):

    train-images-idx3-ubyte.gz  60000 x 28 x 28 uint8
    train-labels-idx1-ubyte.gz  60000 uint8
    t10k-images-idx3-ubyte.gz   10000 x 28 x 28 uint8
    t10k-labels-idx1-ubyte.gz   10000 uint8

IDX format: big-endian header  [0x00 0x00 dtype ndim] [dim0 u32] ... [dimN u32],
followed by the raw row-major data (dtype 0x08 = uint8).

Usage:
    from fashion_mnist import load
    x, y = load("test")          # x: uint8 [N,28,28], y: uint8 [N]
    xf = x.astype(np.float32) / 255.0   # the runtime input contract
"""
import gzip
import os

import numpy as np

DEFAULT_DIR = os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")

CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")

_FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}

_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4",
               0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path):
    """Read a (optionally gzipped) IDX file into a numpy array."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if data[0] != 0 or data[1] != 0:
        raise ValueError("%s: bad IDX magic" % path)
    dtype = np.dtype(_IDX_DTYPES[data[2]])
    ndim = data[3]
    dims = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    offset = 4 + 4 * ndim
    arr = np.frombuffer(data, dtype=dtype, count=int(np.prod(dims)), offset=offset)
    return arr.reshape(dims).astype(dtype.newbyteorder("="), copy=False)


def load(split="train", root=DEFAULT_DIR):
    """Return (images uint8 [N,28,28], labels uint8 [N]) for split 'train' or 'test'."""
    img_name, lbl_name = _FILES[split]
    images = read_idx(os.path.join(root, img_name))
    labels = read_idx(os.path.join(root, lbl_name))
    assert images.shape[0] == labels.shape[0]
    return images, labels


def load_float(split="train", root=DEFAULT_DIR):
    """Images as float32 NCHW [N,1,28,28] in [0,1] (pixel / 255, no other normalisation)."""
    images, labels = load(split, root)
    return (images.astype(np.float32) / 255.0)[:, None, :, :], labels.astype(np.int64)


if __name__ == "__main__":
    for s in ("train", "test"):
        x, y = load(s)
        print(s, x.shape, x.dtype, y.shape, "classes:", np.bincount(y).tolist())
