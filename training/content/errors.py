from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ContentError:
    """One problem in one content file: which file, which field, what is wrong."""

    path: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.field}: {self.message}"


class ContentErrors(Exception):
    """Every problem found in one pass over the content."""

    def __init__(self, errors: list[ContentError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


class Collector:
    """Collects problems for one file so validation can go on after the first one."""

    def __init__(self, path: str, sink: list[ContentError]):
        self.path = path
        self.sink = sink

    def add(self, field: str, message: str) -> None:
        self.sink.append(ContentError(self.path, field, message))
