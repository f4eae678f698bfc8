"""Images for case studies. An upload is judged by its content, never its name: Pillow must
recognise it as PNG, JPEG or WebP (so SVG, GIF, HTML or a script renamed .png is refused). It is
size-limited, decoded, turned upright, shrunk to fit MAX_SIDE and re-encoded — which drops
metadata and anything appended to the file — and stored under a random name in the database
(app servers stay stateless). It is served with the content type of what was stored."""

from __future__ import annotations

import hashlib
import io
import secrets
import warnings
from dataclasses import dataclass

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError
from sqlalchemy import or_, select
from sqlalchemy.orm import defer

from training.extensions import db
from training.models import CaseStudy, User
from training.models.library import CaseStudyImage

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
# Pixels allowed, judged from the header before anything is decoded (decompression bombs, and a
# worker's memory: a 6300 x 6300 PNG of 154 KB took one from 231 to 742 MB). A JPEG is decoded
# already reduced (1/2, 1/4 or 1/8 of each side, Image.draft), so a 24-megapixel photo takes
# ~5 MB; a PNG or WebP is decoded whole (3–4 bytes a pixel) before it is shrunk.
MAX_PIXELS = {"JPEG": 25_000_000, "PNG": 16_000_000, "WEBP": 16_000_000}
MIN_SIDE = 16
MAX_SIDE = 1200  # enough for a page 64rem wide on a sharp screen; keeps pages light
FORMATS = {"PNG": ("image/png", "png"), "JPEG": ("image/jpeg", "jpg"), "WEBP": ("image/webp", "webp")}
CONTENT_TYPES = {content_type for content_type, _ext in FORMATS.values()}


class ImageRejected(ValueError):
    """code: empty | too_large | not_an_image | too_many_pixels | too_small"""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class ProcessedImage:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int


def _encode(img: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        img = img.convert("RGB")
        img.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    elif fmt == "PNG":
        if img.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
            img = img.convert("RGBA")
        img.save(out, "PNG", optimize=True)
    else:
        img = img.convert("RGBA" if "A" in img.getbands() else "RGB")
        img.save(out, "WEBP", quality=82, method=4)
    return out.getvalue()


def process_image(raw: bytes) -> ProcessedImage:
    """Check and re-encode an upload; raise ImageRejected with the reason."""
    if not raw:
        raise ImageRejected("empty")
    if len(raw) > MAX_UPLOAD_BYTES:
        raise ImageRejected("too_large")
    # A truncated file is refused, whatever another library set for the whole process
    # (WeasyPrint, imported for the programme PDF, turns Pillow's LOAD_TRUNCATED_IMAGES on).
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw), formats=list(FORMATS)) as img:
                fmt = img.format
                width, height = img.size
                if width * height > MAX_PIXELS.get(fmt or "", 0):
                    raise ImageRejected("too_many_pixels")
                if min(width, height) < MIN_SIDE:
                    raise ImageRejected("too_small")
                # Shrunk while it is decoded (a JPEG through draft), then turned upright: the
                # full-size image is never copied.
                img.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS, reducing_gap=3.0)
                upright = ImageOps.exif_transpose(img)
    except ImageRejected:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ImageRejected("too_many_pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise ImageRejected("not_an_image") from None
    if fmt not in FORMATS:
        raise ImageRejected("not_an_image")
    content_type, extension = FORMATS[fmt]
    return ProcessedImage(_encode(upright, fmt), content_type, extension, *upright.size)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def store_image(user: User | None, study: CaseStudy, raw: bytes) -> CaseStudyImage:
    """Keep an image for this case study (the same file twice is stored once). Flushes only."""
    digest = _sha(raw)
    found = db.session.scalar(
        select(CaseStudyImage).where(
            CaseStudyImage.case_study_id == study.id,
            or_(CaseStudyImage.source_sha256 == digest, CaseStudyImage.sha256 == digest),
        )
    )
    if found is not None:
        return found
    image = process_image(raw)
    row = CaseStudyImage(
        case_study_id=study.id,
        name=f"{secrets.token_urlsafe(18)}.{image.extension}",
        content_type=image.content_type,
        width=image.width,
        height=image.height,
        byte_size=len(image.data),
        sha256=_sha(image.data),
        source_sha256=digest,
        data=image.data,
        uploaded_by_id=user.id if user else None,
    )
    db.session.add(row)
    db.session.flush()
    return row


def list_images(study: CaseStudy) -> list[CaseStudyImage]:
    """The images uploaded for a case study, newest first, without their bytes."""
    return list(
        db.session.scalars(
            select(CaseStudyImage)
            .options(defer(CaseStudyImage.data))
            .where(CaseStudyImage.case_study_id == study.id)
            .order_by(CaseStudyImage.id.desc())
        )
    )


def get_image(name: str) -> tuple[CaseStudyImage, CaseStudy] | None:
    row = db.session.execute(
        select(CaseStudyImage, CaseStudy)
        .join(CaseStudy, CaseStudy.id == CaseStudyImage.case_study_id)
        .where(CaseStudyImage.name == name)
    ).first()
    return (row[0], row[1]) if row else None


def get_image_by_name(study: CaseStudy, name: str) -> CaseStudyImage | None:
    if not name:
        return None
    return db.session.scalar(
        select(CaseStudyImage).where(CaseStudyImage.case_study_id == study.id, CaseStudyImage.name == name)
    )


def can_view_image(user: User | None, study: CaseStudy, image: CaseStudyImage) -> bool:
    """The cover of a published case study is public; every other image (drafts, unpublished
    changes, replaced covers) only for editors and admins."""
    if study.status == CaseStudy.PUBLISHED and image.name == study.cover_image:
        return True
    return bool(user and user.role in ("editor", "admin"))
