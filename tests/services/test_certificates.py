from __future__ import annotations

import re

from flask_login import AnonymousUserMixin
from sqlalchemy import func, select

from tests import factories
from tests.services.test_learning import _right
from training.extensions import db
from training.models import Certificate, QuizAttempt, Role
from training.services import certificates, cohorts, learning, quizzes

SLUGS = ("climate-adaptation", "climate-finance")
CODE = re.compile(r"^[A-HJKMNP-Z2-9]{12}$")  # no 0/O, 1/I/L


def _cohort(slugs=SLUGS, name="Chengdu spring"):
    trainer = factories.user(Role.TRAINER)
    values = cohorts.CohortValues(
        name=name,
        city=factories.city("Chengdu"),
        starts_on=None,
        ends_on=None,
        module_ids=[learning.get_module(slug).id for slug in slugs],
        trainer_ids=[],
    )
    return cohorts.create_cohort(trainer, values), trainer


def _member(cohort, **kw):
    user = factories.user(**kw)
    cohorts.add_member(cohort, user)
    return user


def _complete(user, slug):
    """Every lesson done and, when the module has a quiz, the quiz passed."""
    module = learning.get_module(slug)
    for lesson in learning.list_lessons(module):
        learning.record_lesson_done(user, lesson)
    quiz = quizzes.get_quiz(module)
    if quiz is not None:
        questions = quizzes.list_questions(quiz, QuizAttempt.FINAL, user)
        attempt = quizzes.submit_attempt(
            user, quiz, QuizAttempt.FINAL, questions, {q.key: _right(q) for q in questions}
        )
        assert attempt.passed


def _count(cohort):
    return db.session.scalar(select(func.count(Certificate.id)).where(Certificate.cohort_id == cohort.id))


def test_codes_are_unambiguous_grouped_and_normalised():
    codes = {certificates.new_code() for _ in range(200)}
    assert len(codes) == 200 and all(CODE.match(c) for c in codes)
    assert certificates.format_code("ABCDEFGHJKMN") == "ABCD-EFGH-JKMN"
    assert certificates.normalise_code(" abcd-efgh jkmn ") == "ABCDEFGHJKMN"


def test_a_certificate_needs_every_assigned_module_complete(db_session):
    cohort, _ = _cohort()
    alice = _member(cohort, name="Alice")
    assert certificates.issue_if_complete(alice, cohort) is None
    _complete(alice, "climate-adaptation")
    assert certificates.issue_if_complete(alice, cohort) is None  # one module still to do
    lessons = learning.list_lessons(learning.get_module("climate-finance"))
    for lesson in lessons[:-1]:
        learning.record_lesson_done(alice, lesson)
    assert certificates.issue_if_complete(alice, cohort) is None
    _complete(alice, "climate-finance")
    certificate = certificates.issue_if_complete(alice, cohort)
    assert certificate is not None and CODE.match(certificate.code)
    assert (certificate.user_id, certificate.cohort_id) == (alice.id, cohort.id)


def test_issuing_is_idempotent(db_session):
    cohort, _ = _cohort()
    alice = _member(cohort)
    for slug in SLUGS:
        _complete(alice, slug)
    first = certificates.issue_if_complete(alice, cohort)
    again = certificates.issue_if_complete(alice, cohort)
    assert again.id == first.id and again.code == first.code
    assert certificates.issue_certificates(cohort) == []
    assert _count(cohort) == 1


def test_issue_certificates_issues_to_completers_only_and_once(db_session):
    cohort, _ = _cohort()
    alice, bob, carol, dan = (_member(cohort, name=n) for n in ("Alice", "Bob", "Carol", "Dan"))
    for user in (alice, bob, carol):
        for slug in SLUGS:
            _complete(user, slug)
    _complete(dan, "climate-adaptation")
    early = certificates.issue_if_complete(alice, cohort)

    issued = certificates.issue_certificates(cohort)
    assert sorted(c.user_id for c in issued) == sorted([bob.id, carol.id])
    assert len({c.code for c in [early, *issued]}) == 3
    assert certificates.issue_certificates(cohort) == []
    assert _count(cohort) == 3


def test_members_of_another_cohort_and_cohorts_without_modules_get_nothing(db_session):
    cohort, _ = _cohort()
    empty, _ = _cohort(slugs=(), name="No modules yet")
    outsider = factories.user()
    member = _member(empty)
    for user in (outsider, member):
        for slug in SLUGS:
            _complete(user, slug)
    assert certificates.issue_if_complete(outsider, cohort) is None
    assert certificates.issue_if_complete(member, empty) is None
    assert certificates.issue_certificates(empty) == []


def test_a_concurrent_issue_returns_the_certificate_already_there(db_session, monkeypatch):
    """Two requests both see no certificate; the second insert hits the unique constraint."""
    cohort, _ = _cohort()
    alice = _member(cohort)
    for slug in SLUGS:
        _complete(alice, slug)
    first = certificates.issue_if_complete(alice, cohort)
    real_lookup = certificates.get_user_certificate
    calls = []

    def lookup_that_misses_once(user, cohort):
        calls.append(user.id)
        return None if len(calls) == 1 else real_lookup(user, cohort)

    monkeypatch.setattr(certificates, "get_user_certificate", lookup_that_misses_once)
    second = certificates.issue_if_complete(alice, cohort)
    assert second.id == first.id and len(calls) == 2
    assert _count(cohort) == 1


def test_a_code_already_taken_is_drawn_again(db_session, monkeypatch):
    cohort, _ = _cohort()
    alice, bob = _member(cohort), _member(cohort)
    for user in (alice, bob):
        for slug in SLUGS:
            _complete(user, slug)
    taken = certificates.issue_if_complete(alice, cohort).code
    draws = iter([taken, "ABCDEFGHJKMN"])
    monkeypatch.setattr(certificates, "new_code", lambda: next(draws))
    assert certificates.issue_if_complete(bob, cohort).code == "ABCDEFGHJKMN"


def test_lookup_accepts_dashes_spaces_and_lower_case(db_session):
    cohort, _ = _cohort()
    alice = _member(cohort)
    for slug in SLUGS:
        _complete(alice, slug)
    certificate = certificates.issue_if_complete(alice, cohort)
    shown = certificates.format_code(certificate.code)
    assert re.match(r"^\w{4}-\w{4}-\w{4}$", shown)
    assert certificates.get_certificate(shown) == certificate
    assert certificates.get_certificate(f" {shown.lower()} ") == certificate
    assert certificates.get_certificate(certificate.code[:8]) is None
    unknown = "2222-2222-2222" if certificate.code != "2" * 12 else "3333-3333-3333"
    assert certificates.get_certificate(unknown) is None
    assert certificates.get_certificate("") is None
    assert certificates.list_certificates(alice) == [certificate]
    assert certificates.list_certificates(factories.user()) == []


def test_the_snapshot_keeps_what_the_certificate_says(db_session):
    cohort, _ = _cohort()
    alice = _member(cohort, name="Li Hua")
    for slug in SLUGS:
        _complete(alice, slug)
    certificate = certificates.issue_if_complete(alice, cohort)
    modules = [learning.get_module(slug) for slug in SLUGS]
    assert certificate.snapshot == {
        "name": "Li Hua",
        "cohort": "Chengdu spring",
        "city": {"en": "Chengdu", "zh": "成都"},
        "modules": [{"en": m.title_en, "zh": m.title_zh} for m in modules],
        "date": certificate.issued_at.date().isoformat(),
    }
    alice.name = "Someone Else"
    cohort.name = "Renamed"
    db.session.commit()
    db.session.expire_all()
    view = certificates.describe_certificate(certificates.get_certificate(certificate.code), "zh")
    assert (view.name, view.cohort, view.city) == ("Li Hua", "Chengdu spring", "成都")
    assert view.modules == [m.title_zh for m in modules]
    assert view.code == certificates.format_code(certificate.code)
    assert view.issued_on == certificate.issued_at.date().isoformat()


def test_who_may_view_a_certificate(db_session):
    cohort, trainer = _cohort()
    _, other_trainer = _cohort(name="Another cohort")
    alice, classmate = _member(cohort), _member(cohort)
    for slug in SLUGS:
        _complete(alice, slug)
    certificate = certificates.issue_if_complete(alice, cohort)
    admin = factories.user(Role.ADMIN)
    assert certificates.can_view_certificate(alice, certificate)
    assert certificates.can_view_certificate(trainer, certificate)
    assert certificates.can_view_certificate(admin, certificate)
    assert not certificates.can_view_certificate(classmate, certificate)
    assert not certificates.can_view_certificate(other_trainer, certificate)
    assert not certificates.can_view_certificate(AnonymousUserMixin(), certificate)


def test_qr_code_is_an_inline_scalable_svg_with_a_title():
    url = "https://academy.example.org/certificates/ABCD-EFGH-JKMN?x=1&y=2"
    svg = certificates.qr_svg(url)
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "<?xml" not in svg and 'role="img"' in svg
    assert re.search(r'viewBox="0 0 (\d+) \1"', svg)
    assert not re.search(r"<svg[^>]*\swidth=", svg)
    assert "<title>https://academy.example.org/certificates/ABCD-EFGH-JKMN?x=1&amp;y=2</title>" in svg
    assert "<title>Verify</title>" in certificates.qr_svg(url, title="Verify")
    assert certificates.qr_svg(url) != certificates.qr_svg(url.replace("ABCD", "WXYZ"))
