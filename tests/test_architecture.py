"""The dependency rule (STYLE.md): web -> services -> models/content, never back; domain code
never touches Flask request globals."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "training"
DOMAIN = ["services", "models", "content"]
FORBIDDEN_NAMES = {"request", "session", "g", "flash", "url_for", "redirect", "abort", "current_user"}


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module, {alias.name for alias in node.names}, node.lineno
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, set(), node.lineno


def _files(area: str):
    return sorted((ROOT / area).rglob("*.py"))


@pytest.mark.parametrize("area", DOMAIN)
def test_domain_code_uses_no_request_globals_and_no_web_layer(area):
    problems = []
    for path in _files(area):
        for module, names, line in _imports(path):
            where = f"{path.relative_to(ROOT.parent)}:{line}"
            if module.startswith("training.web"):
                problems.append(f"{where} imports the web layer ({module})")
            if module in ("flask", "flask_login") and names & FORBIDDEN_NAMES:
                problems.append(f"{where} imports {sorted(names & FORBIDDEN_NAMES)} from {module}")
            if module == "flask" and area == "content":
                problems.append(f"{where}: content/ must not import Flask at all")
    assert problems == []


def test_content_and_models_do_not_import_services():
    problems = [
        f"{path.relative_to(ROOT.parent)}:{line}"
        for area in ("models", "content")
        for path in _files(area)
        for module, _names, line in _imports(path)
        if module.startswith("training.services")
    ]
    assert problems == []


def test_templates_do_not_query_the_database():
    templates = Path(__file__).resolve().parent.parent / "templates"
    offenders = [
        str(p.relative_to(templates))
        for p in templates.rglob("*.html")
        if re.search(r"\.query\b(?!_string)|db\.session", p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
