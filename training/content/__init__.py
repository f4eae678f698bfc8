"""File-backed curriculum: parse, validate and render. No Flask, no request, no database."""

from training.content.errors import ContentError, ContentErrors
from training.content.loader import load_curriculum

__all__ = ["ContentError", "ContentErrors", "load_curriculum"]
