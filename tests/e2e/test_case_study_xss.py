"""A corpus of XSS payloads through every field of a case study, asserted in a real browser on
every page that shows them: no script runs (payloads set window.__xss or open a dialog, and the
page's Content-Security-Policy would log a console error for any inline script it had to block,
which fails the test too), no event-handler attribute, script, frame or foreign source reaches
the DOM, and every link is http(s) with rel="noopener nofollow" when it leaves the site."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect

from tests.e2e import test_case_study_journey as journey
from tests.e2e.steps import log_out, submit
from tests.e2e.test_case_study_journey import fill, login, make_user, module_essentials

created_slugs = journey.created_slugs  # the fixture that removes what a test created
FLAG = "window.__xss=1;alert(1)"
CORPUS = [
    f"<script>{FLAG}</script>",
    f'<img src=x onerror="{FLAG}">',
    f'<svg onload="{FLAG}"><script>{FLAG}</script></svg>',
    f'<svg><animate onbegin="{FLAG}" attributeName="x" dur="1s"/></svg>',
    f'<math><mtext><table><mglyph><style><img src=x onerror="{FLAG}"></style></mglyph></table></mtext>',
    f'<math href="javascript:{FLAG}">math</math>',
    f'<iframe src="javascript:{FLAG}"></iframe><object data="javascript:{FLAG}"></object>',
    f'<a href="javascript:{FLAG}">raw link</a> <a href="JaVaScRiPt:{FLAG}">mixed case</a>',
    f'<a href="&#106;avascript:{FLAG}">entity</a> <a href="java\tscript:{FLAG}">tab</a>',
    f"[markdown link](javascript:{FLAG}) [encoded](jav&#x61;script:{FLAG}) [spaced]( javascript:{FLAG})",
    "[data link](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==)",
    f'![image](x" onerror="{FLAG}) ![foreign](https://evil.example/x.png)',
    f'<details open ontoggle="{FLAG}"><summary>x</summary></details>',
    f"\"><script>{FLAG}</script> '><img src=x onerror={FLAG}>",
    f"<scr<script>ipt>{FLAG}</scr</script>ipt>",
    f"%3Cscript%3E{FLAG}%3C/script%3E &lt;script&gt;{FLAG}&lt;/script&gt;",
    f'<form action="javascript:{FLAG}"><button>go</button></form><input autofocus onfocus="{FLAG}">',
    f'<div style="background:url(javascript:{FLAG})">css</div><base href="javascript:{FLAG}//">',
    f'<!--<img src=x onerror="{FLAG}">--><noscript><p title="</noscript><img src=x onerror={FLAG}>">',
    f'<meta http-equiv="refresh" content="0;url=javascript:{FLAG}">',
    "{{ 7*7 }} {% raw %} ${7*7}",
    "[a safe link](https://example.org/safe)",
]
BODY = "## Payloads\n\n" + "\n\n".join(CORPUS) + "\n"
ONE_LINE = " ".join(CORPUS[:8] + CORPUS[12:16])

CHECK_DOM = """() => {
  const problems = [];
  for (const el of document.querySelectorAll("main *")) {
    for (const attr of el.attributes) {
      if (/^on/i.test(attr.name)) problems.push(`${el.tagName} ${attr.name}`);
      if (/^\\s*(javascript|data|vbscript):/i.test(attr.value) && attr.name !== "value")
        problems.push(`${el.tagName} ${attr.name}=${attr.value}`);
    }
  }
  const article = "main .case-study, main .card";
  const dangerous = "script, iframe, object, embed, svg, math, form, input, style, base, meta, details";
  for (const el of document.querySelectorAll(`:is(${article}) :is(${dangerous})`))
    problems.push(`element ${el.tagName}`);
  for (const a of document.querySelectorAll("a[href]")) {
    const url = new URL(a.getAttribute("href"), location.href);
    if (!["http:", "https:", "mailto:"].includes(url.protocol)) problems.push(`link ${a.href}`);
    if (url.origin !== location.origin && a.closest(article) && a.rel !== "noopener nofollow")
      problems.push(`rel ${a.href} ${a.rel}`);
  }
  for (const el of document.querySelectorAll("[src]")) {
    const url = new URL(el.getAttribute("src"), location.href);
    if (url.origin !== location.origin) problems.push(`source ${el.getAttribute("src")}`);
  }
  if (window.__xss !== undefined) problems.push("window.__xss was set: a payload ran");
  return problems;
}"""


def assert_safe(page: Page, dialogs: list[str], where: str) -> None:
    page.wait_for_load_state("load")
    assert page.evaluate(CHECK_DOM) == [], where
    assert dialogs == [], where


def text_fields(tag: str) -> dict[str, str]:
    """Every free-text field of the form, each with payloads (lengths within the limits)."""
    short = f'<img src=x onerror="{FLAG}"><script>{FLAG}</script>"\'>'
    values = {
        "title_en": f"XSS title {tag} {short}",
        "title_zh": f"跨站标题 {tag} {short}",
        "city_en": short[:110],
        "city_zh": short[:110],
        "country_en": short[:110],
        "country_zh": short[:110],
        "years": f"<svg onload={FLAG}>"[:40],
        "cost_en": short,
        "cost_zh": short,
        "cover_alt_en": short,
        "cover_alt_zh": short,
        "sources-0-title": f"Source {short}",
        "sources-0-accessed": "<b>x</b>",
    }
    for name in ("summary_en", "summary_zh", "measures_en", "measures_zh", "impact_en", "impact_zh"):
        values[name] = ONE_LINE + "\n" + CORPUS[9]
    values["body_en"] = values["body_zh"] = BODY
    return values


def test_xss_payloads_in_every_field_never_run(page: Page, live_app, console, created_slugs):
    console.allow(r"status of 422")  # the form refused a javascript: source link, as it should
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    tag = uuid.uuid4().hex[:6]
    slug = f"xss-{tag}"
    created_slugs.append(slug)
    author = make_user(live_app, "editor", f'Editor <img src=x onerror="{FLAG}">')
    reviewer = make_user(live_app, "editor", "Reviewer")
    admin = make_user(live_app, "admin", "Admin")

    login(page, author)
    page.goto("/case-studies/editor/new")
    form = page.locator("form.case-study-form")
    fill(form, {"slug": slug, **text_fields(tag), "sources-0-url": f"javascript:{FLAG}"})
    form.locator('select[name="region"]').select_option("east-asia")
    form.locator('input[name="hazards"][value="flood"]').check()
    form.locator('input[name="topics"][value="nbs"]').check()
    for number in module_essentials():
        form.locator(f'input[name="essentials"][value="{number}"]').check()
    expect(page.locator("#preview .case-study").first).to_be_visible()  # the live preview
    assert_safe(page, dialogs, "live preview")
    form.locator('button[name="action"][value="preview"]').click()  # the preview without script
    expect(page.locator("#sources .error")).to_be_visible()  # a javascript: link is refused
    assert_safe(page, dialogs, "refused form with preview")
    form.locator('[name="sources-0-url"]').fill("https://example.org/source")
    form.locator('[name="note"]').fill(f"note {CORPUS[1]}")
    form.locator('button[name="action"][value="save"]').click()
    expect(page).to_have_url(re.compile(r"/case-studies/editor/\d+/$"))
    assert_safe(page, dialogs, "editor page")
    editor_url = page.url

    page.goto(editor_url + "edit")
    assert_safe(page, dialogs, "edit form")
    page.locator('[name="summary_en"]').fill(CORPUS[2] + " changed")
    page.locator('[name="body_en"]').fill(BODY.replace("Payloads", "Payloads, changed"))
    submit(page, page.locator('button[name="action"][value="save"]'))
    page.goto(editor_url + "history")
    expect(page.locator(".diff-panel")).to_be_visible()
    assert_safe(page, dialogs, "history with a diff")
    page.goto(editor_url)
    page.locator('button[data-action="submit"]').click()
    log_out(page)

    login(page, reviewer)
    page.goto(editor_url)
    page.locator("textarea[name=comment]").fill(CORPUS[0] + CORPUS[7])
    page.locator('button[data-action="send-back"]').click()
    expect(page.locator(".review-comment")).to_be_visible()
    assert_safe(page, dialogs, "send-back comment")
    log_out(page)
    login(page, author)
    page.goto(editor_url)
    page.locator('button[data-action="submit"]').click()
    log_out(page)
    login(page, reviewer)
    page.goto(editor_url)
    page.locator('button[data-action="publish"]').click()
    expect(page.locator("[data-state]")).to_have_attribute("data-state", "published")
    page.goto(f"/case-studies/editor/?q={tag}")
    assert_safe(page, dialogs, "editor list")
    log_out(page)

    for path in (f"/case-studies/{slug}", f"/case-studies/?q={tag}", "/learn/nature-based-solutions/"):
        page.goto(path)
        assert_safe(page, dialogs, path)
    page.goto(f"/case-studies/?q={CORPUS[1]}")
    assert_safe(page, dialogs, "search reflected")
    page.goto(f"/case-studies/{slug}")
    expect(page.locator('main .sources a[href="https://example.org/source"]')).to_have_attribute(
        "rel", "noopener nofollow"
    )
    expect(page.locator('main .prose a[href="https://example.org/safe"]')).to_have_attribute(
        "rel", "noopener nofollow"
    )
    expect(page.locator("main .prose")).to_contain_text("{{ 7*7 }}")  # shown as text, never evaluated
    page.locator('header button[name="lang"][value="zh"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    assert_safe(page, dialogs, "detail in Chinese")

    login(page, admin)
    page.goto("/case-studies/editor/log")
    assert_safe(page, dialogs, "editorial log")


def test_stored_payloads_that_skipped_the_form_are_still_harmless(page: Page, live_app, created_slugs):
    """Data from anywhere (an import, an old database): output escaping and the link check hold."""
    from training.extensions import db
    from training.services.case_studies.data import build_preview

    slug = f"stored-xss-{uuid.uuid4().hex[:6]}"
    created_slugs.append(slug)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    with live_app.app_context():
        data = dict.fromkeys(("title_en", "cover_alt_en", "cost_en"), ONE_LINE[:290])
        data.update(dict.fromkeys(("city_en", "country_en"), ONE_LINE[:110]))
        data.update(summary_en=ONE_LINE, impact_en=ONE_LINE, measures_en=ONE_LINE, body_en=BODY, years="<b>")
        data["sources"] = [{"title": ONE_LINE, "url": f"javascript:{FLAG}", "accessed": "<b>x</b>"}]
        study = build_preview(slug, data)
        study.status, study.managed_by, study.topics, study.essentials = "published", "editors", ["nbs"], [5]
        db.session.add(study)
        db.session.commit()
    for path in (f"/case-studies/{slug}", "/case-studies/?q=xss"):
        page.goto(path)
        assert_safe(page, dialogs, path)
    expect(page.locator('main a[href^="javascript"]')).to_have_count(0)
