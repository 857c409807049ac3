"""Safe Markdown: nothing an author writes can run script in a reader's browser."""

from html.parser import HTMLParser

import pytest

from allies.knowledge import markdown

ATTACKS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](%6Aavascript:alert(1))",
    "![pic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox)",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<iframe src=https://evil.example></iframe>",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
]


class _Elements(HTMLParser):
    """Every element a browser would build from the HTML, with its attributes (text is not an element)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def _elements(html: str) -> list[tuple[str, dict]]:
    parser = _Elements()
    parser.feed(html)
    return parser.elements


@pytest.mark.parametrize("source", ATTACKS)
def test_rendered_html_carries_no_script(source):
    for tag, attrs in _elements(markdown.render(source)):
        assert tag not in ("script", "iframe", "object", "embed", "style", "div"), tag
        for name, value in attrs.items():
            assert not name.startswith("on") and name != "style", (tag, name)
            if name in ("href", "src"):
                assert markdown.link_scheme(value) in ("", "http", "https", "mailto"), (tag, value)


@pytest.mark.parametrize(("source", "expected"), [
    ("[click](javascript:alert(1))", "javascript:alert(1)"),
    ("![pic](data:image/png;base64,AAAA)", "data:image/png;base64,AAAA"),
    ("[ref]\n\n[ref]: vbscript:msgbox", "vbscript:msgbox"),
    ("<file:///etc/passwd>", "file:///etc/passwd"),
    ("[x](&#106;avascript:alert(1))", None),
])
def test_unsafe_links_are_found_and_named(source, expected):
    found = markdown.unsafe_links(source)
    assert len(found) == 1, found
    if expected:
        assert found[0] == expected


def test_safe_links_pass_and_render_with_rel():
    source = "[site](https://example.com) [mail](mailto:a@example.com) [rel](/knowledge/3/) [anchor](#top)"
    assert markdown.unsafe_links(source) == []
    html = markdown.render(source)
    assert 'href="https://example.com"' in html
    assert 'rel="noopener noreferrer nofollow"' in html
    assert 'href="/knowledge/3/"' in html


def test_a_destination_with_a_tab_is_no_link_at_all():
    assert markdown.unsafe_links("[click](java\tscript:alert(1))") == []
    assert not [tag for tag, _attrs in _elements(markdown.render("[click](java\tscript:alert(1))")) if tag == "a"]


def test_raw_html_is_shown_as_text():
    html = markdown.render("before <b>bold</b> after")
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_tables_headings_and_checklists_render():
    html = markdown.render("# 标题\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [ ] 待办\n- [x] 完成\n")
    assert "<h1>标题</h1>" in html
    assert "<table>" in html and "<td>1</td>" in html
    assert html.count('type="checkbox"') == 2 and "checked" in html


def test_plain_text_drops_syntax_keeps_words():
    text = markdown.plain_text("# 标题\n\n**粗体** 与 [链接](https://example.com)\n\n- [ ] 清单项\n")
    assert "标题" in text and "粗体" in text and "链接" in text and "清单项" in text
    assert "**" not in text and "https://" not in text and "[ ]" not in text
