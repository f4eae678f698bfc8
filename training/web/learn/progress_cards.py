"""The trainee's progress under each module card of My learning, drawn by the view.

My learning lists every module with the trainee's own progress; drawing it in the template
called the progress-bar macro and looked five translations up again for every card (a fifth
of the page, issue 20). Here the page's translations are looked up once and each card's part
formatted from them: the same markup as templates/learn/_module_card.html and
macros/progress.html `bar` draw. Per visitor, never kept.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext
from markupsafe import Markup, escape

_BAR = Markup(
    '<div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="{percent}"'
    ' aria-label="{label}">\n    <span class="progress-fill" style="width: {percent}%"></span>\n  </div>\n'
    '  <span class="progress-text">{complete}</span>\n'
    '<p class="meta">\n  {done}\n  · {quiz}\n  · {status}\n</p>'
)


def progress_parts(rows: Sequence, locale: str) -> dict[int, Markup]:
    """Each row's progress (bar, lessons done, best quiz score, state) by module id."""
    progress_in = gettext("Progress in %(module)s")
    percent_complete = gettext("%(n)d%% complete")
    lessons_done = gettext("Lessons done: %(done)d / %(total)d")
    best_score = gettext("Best quiz score: %(n)d%%")
    states = {
        "complete": Markup('<strong class="ok">{}</strong>').format(gettext("Complete")),
        "passed": Markup('<strong class="ok">{}</strong>').format(gettext("Quiz passed")),
        "open": escape(gettext("Not complete")),
    }
    not_taken = gettext("Quiz not taken yet")
    parts = {}
    for row in rows:
        best = row.best_percent
        parts[row.module.id] = _BAR.format(
            percent=row.percent,
            label=progress_in % {"module": row.module.title(locale)},
            complete=percent_complete % {"n": row.percent},
            done=lessons_done % {"done": row.lessons_done, "total": row.lessons_total},
            quiz=not_taken if best is None else best_score % {"n": best},
            status=states["complete" if row.complete else "passed" if row.passed else "open"],
        )
    return parts
