"""Image uploads are judged by their content, size-limited, re-encoded, resized and stored under
random names."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from tests import factories
from training.services.case_studies import images
from training.services.case_studies.editing import create_case_study


def picture(fmt: str, size=(64, 48), mode="RGB", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 80, 40) if mode == "RGB" else None).save(out, fmt, **save)
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A tiny file that claims to be a huge PNG (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 10))


@pytest.mark.parametrize(
    "fmt, content_type", [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp")]
)
def test_png_jpeg_and_webp_are_accepted_and_re_encoded(fmt, content_type):
    raw = picture(fmt)
    result = images.process_image(raw)
    assert result.content_type == content_type and (result.width, result.height) == (64, 48)
    assert Image.open(io.BytesIO(result.data)).format == fmt


def test_large_images_are_shrunk():
    result = images.process_image(picture("JPEG", size=(4000, 1000)))
    assert (result.width, result.height) == (images.MAX_SIDE, images.MAX_SIDE // 4)


def test_metadata_and_anything_appended_is_dropped():
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    raw = picture("JPEG", exif=exif.tobytes()) + b"<script>alert(1)</script>"
    stored = images.process_image(raw).data
    assert b"SecretCam" not in stored and b"<script>" not in stored


@pytest.mark.parametrize(
    "raw, code",
    [
        (b"", "empty"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>', "not_an_image"),
        (b"<html><script>alert(1)</script></html>", "not_an_image"),
        (picture("GIF"), "not_an_image"),
        (picture("BMP"), "not_an_image"),
        (picture("PNG")[:60], "not_an_image"),  # truncated
        (png_header_only(30_000, 30_000), "too_many_pixels"),
        (picture("PNG", size=(4, 4)), "too_small"),
    ],
    ids=["empty", "svg", "html", "gif", "bmp", "truncated", "bomb", "tiny"],
)
def test_other_content_is_refused_whatever_its_name(raw, code):
    with pytest.raises(images.ImageRejected) as exc:
        images.process_image(raw)
    assert exc.value.code == code


def test_size_limit(monkeypatch):
    monkeypatch.setattr(images, "MAX_UPLOAD_BYTES", 1000)
    with pytest.raises(images.ImageRejected, match="too_large"):
        images.process_image(picture("PNG", size=(400, 400), mode="RGB") + b"\0" * 1000)


def test_stored_under_random_names_once_per_file_and_visible_by_state(db_session):
    editor = factories.user("editor")
    study = create_case_study(editor, "image-test", {"title_en": "Image test"})
    first = images.store_image(editor, study, picture("PNG"))
    again = images.store_image(editor, study, picture("PNG"))
    other = images.store_image(editor, study, picture("JPEG"))
    assert first.id == again.id and first.name != other.name
    assert first.name.endswith(".png") and other.name.endswith(".jpg") and len(first.name) >= 24
    assert [i.name for i in images.list_images(study)] == [other.name, first.name]
    study.cover_image = first.name
    trainee = factories.user("trainee")
    assert not images.can_view_image(trainee, study, first)  # a draft
    assert not images.can_view_image(None, study, first)
    assert images.can_view_image(editor, study, first)
    study.status = "published"
    assert images.can_view_image(None, study, first)
    assert not images.can_view_image(None, study, other)  # not the cover


def test_a_truncated_file_is_refused_after_weasyprint_was_imported(monkeypatch):
    """WeasyPrint (the programme PDF) sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process
    when imported; the upload check must not inherit it (it did: found by test order)."""
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(images.ImageRejected) as exc:
        images.process_image(picture("PNG")[:60])
    assert exc.value.code == "not_an_image"
