"""Images are decoded within a memory budget (penetration test: a 6300 x 6300 PNG of 154 KB took a
worker from 231 to 742 MB). Pillow allocates pixels outside Python's allocator, where tracemalloc
does not see them, so the peak is the process's own (resource.getrusage) in a fresh interpreter
that loads the image and nothing else."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from training.services.case_studies import images

ROOT = Path(__file__).resolve().parents[2]
BUDGET_MB = 50

MEASURE = """
import json, resource, sys
from training.services.case_studies import images
raw = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    result = images.process_image(raw)
    outcome = [result.width, result.height]
except images.ImageRejected as rejected:
    outcome = rejected.code
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"outcome": outcome, "peak_mb": (after - before) / 1024}))
"""


def measure(tmp_path, raw: bytes) -> dict:
    path = tmp_path / "upload.bin"
    path.write_bytes(raw)
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def encoded(fmt: str, size: tuple[int, int], **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (40, 120, 60)).save(out, fmt, **save)
    return out.getvalue()


def test_a_6300_square_png_is_refused_before_it_is_decoded(tmp_path):
    raw = encoded("PNG", (6300, 6300))
    assert len(raw) < 200_000
    result = measure(tmp_path, raw)
    assert result["outcome"] == "too_many_pixels"
    assert result["peak_mb"] < BUDGET_MB


def test_a_large_jpeg_photo_is_decoded_already_reduced(tmp_path):
    raw = encoded("JPEG", (6000, 4000), quality=80)  # 24 megapixels: 72 MB decoded whole
    result = measure(tmp_path, raw)
    assert result["outcome"] == [images.MAX_SIDE, images.MAX_SIDE * 2 // 3]
    assert result["peak_mb"] < BUDGET_MB


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_the_pixel_limit_of_images_decoded_whole_is_lower(fmt):
    side = int(images.MAX_PIXELS[fmt] ** 0.5) + 1
    with pytest.raises(images.ImageRejected) as rejected:
        images.process_image(encoded(fmt, (side, side)))
    assert rejected.value.code == "too_many_pixels"


def test_an_image_is_still_turned_upright_after_it_is_shrunk():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to show
    raw = encoded("JPEG", (2400, 1200), exif=exif.tobytes())
    result = images.process_image(raw)
    assert (result.width, result.height) == (images.MAX_SIDE // 2, images.MAX_SIDE)
