"""Case studies and glossary: the shipped library is complete, and mistakes are reported."""

from __future__ import annotations

import re

import pytest

from tests.content.conftest import REAL
from training.content import ContentErrors, load_curriculum


@pytest.fixture(scope="module")
def curriculum():
    return load_curriculum(REAL)


def test_the_library_has_enough_case_studies_in_both_languages(curriculum):
    studies = curriculum.case_studies
    assert len(studies) >= 15
    chinese = [s for s in studies if s.country.get("en") == "China" and s.city.get("en") != "Multiple cities"]
    assert len(chinese) >= 8, [s.slug for s in chinese]
    for study in studies:
        assert set(study.html) == {"en", "zh"}, study.slug
        assert study.sources and study.essentials and study.topics and study.hazards, study.slug
        assert "Key figures" in study.body["en"], study.slug


def test_every_module_has_three_case_studies_and_the_six_modules_exist(curriculum):
    slugs = {m.slug for m in curriculum.modules}
    assert slugs >= {
        "resilient-cities-mcr2030",
        "climate-mitigation",
        "climate-adaptation",
        "climate-finance",
        "nature-based-solutions",
        "urban-climate-risk-assessment",
    }
    for module in curriculum.modules:
        assert len(module.case_studies) >= 3, module.slug
        assert len(module.lessons) >= 4, module.slug


def test_the_glossary_has_forty_terms_linked_from_lessons(curriculum):
    terms = {t.id for t in curriculum.glossary}
    assert len(terms) >= 40
    linked = {ref for m in curriculum.modules for lesson in m.lessons for ref in lesson.glossary_refs}
    assert len(linked) >= 10
    for module in curriculum.modules:
        html = " ".join(lesson.html["en"] for lesson in module.lessons)
        assert 'href="/learn/glossary/#' in html, module.slug


def test_every_quiz_is_complete(curriculum):
    for quiz in curriculum.quizzes:
        assert len(quiz.questions) >= 12 or quiz.module == "climate-adaptation", quiz.module
        assert {q.type for q in quiz.questions} >= {"single", "multiple", "true_false"}, quiz.module


def _year_for(text: str, at: int, end: int) -> str | None:
    """The year a percentage is tied to: one right after it ("80% by 2030"), else the last before."""
    after = re.match(r"[^.。;；,，]{0,30}?(?:by|in|before|到|至)\s*(20\d\d)", text[end : end + 45])
    if after:
        return after.group(1)
    before = re.findall(r"20\d\d", text[max(0, at - 25) : at])
    return before[-1] if before else None


def test_sponge_city_target_is_never_80_percent_by_2020(curriculum):
    """The known trap: the 2015 guideline sets 20% of built-up area by 2020 and 80% by 2030.
    A text may name the error only to warn against it."""
    texts = [lesson.html[lang] for m in curriculum.modules for lesson in m.lessons for lang in lesson.html]
    texts += [s.html[lang] for s in curriculum.case_studies for lang in s.html]
    texts += [t.definition[lang] for t in curriculum.glossary for lang in t.definition]
    offenders = []
    for text in texts:
        for match in re.finditer(r"80\s?%", text):
            if _year_for(text, match.start(), match.end()) != "2020":
                continue
            context = text[max(0, match.start() - 120) : match.end() + 120]
            if not re.search(
                r"not|wrong|error|mistake|misread|incorrect|inaccurate|不是|误|错|并非|而非|不准确",
                context,
                re.I,
            ):
                offenders.append(context)
    assert offenders == []


def test_unknown_glossary_link_and_case_study_are_reported(content_root):
    lesson = next((content_root / "modules/climate-adaptation").glob("01-*.en.md"))
    lesson.write_text(
        lesson.read_text(encoding="utf-8") + "\n\nSee [x](glossary:no-such-term).\n", encoding="utf-8"
    )
    meta = content_root / "modules/climate-adaptation/module.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + "\ncase_studies: [no-such-case]\n", encoding="utf-8")
    with pytest.raises(ContentErrors) as exc:
        load_curriculum(content_root)
    joined = "\n".join(str(e) for e in exc.value.errors)
    assert "glossary link: 'no-such-term' is not a term" in joined
    assert "case_studies[0]: 'no-such-case' is not a case study" in joined


def test_a_broken_case_study_names_file_and_field(content_root):
    path = next((content_root / "library/case-studies").glob("*.en.md"))
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^region:.*$", "region: atlantis", text, count=1, flags=re.M)
    text = re.sub(r"^hazards:.*$", "hazards: [meteor]", text, count=1, flags=re.M)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentErrors) as exc:
        load_curriculum(content_root)
    joined = "\n".join(str(e) for e in exc.value.errors)
    rel = f"library/case-studies/{path.name}"
    assert f"{rel}: region: must be one of" in joined
    assert f"{rel}: hazards[0]: 'meteor' is not one of" in joined
