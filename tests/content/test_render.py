from training.content.render import render_markdown


def test_markdown_features_survive():
    html = render_markdown("## Title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- one\n- **two**\n\n> quote\n")
    for tag in ("<h2>", "<table>", "<td>1</td>", "<li>", "<strong>two</strong>", "<blockquote>"):
        assert tag in html


def test_links_get_rel_noopener():
    html = render_markdown("[IPCC](https://www.ipcc.ch/) and [local](/learn/)")
    assert 'href="https://www.ipcc.ch/" rel="noopener nofollow"' in html
    assert 'href="/learn/" rel="noopener"' in html


def test_only_our_own_images():
    html = render_markdown("![ok](/static/img/map.png) ![no](https://cdn.example/x.png)")
    assert 'src="/static/img/map.png"' in html
    assert "cdn.example" not in html


def test_raw_html_and_event_handlers_are_dropped():
    html = render_markdown(
        '<div onclick="x()">hi</div><iframe src="https://x"></iframe><svg onload=alert(1)>'
    )
    assert "onclick" not in html and "<iframe" not in html and "onload" not in html and "<svg" not in html
