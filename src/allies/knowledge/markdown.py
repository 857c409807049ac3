"""Safe Markdown: render an article to HTML that can carry no script, and find unsafe links.

Two layers. markdown-it-py parses CommonMark (plus tables and strikethrough) with raw
HTML switched off, so ``<script>`` in an article is shown as text, never run. Its output
then goes through nh3 (the Ammonia sanitiser) with a short list of tags and attributes
and only http, https and mailto links; links open with ``rel="noopener noreferrer
nofollow"``. A save is refused earlier, by :func:`unsafe_links`, when the Markdown names
a link or image with any other scheme (``javascript:``, ``data:``, ``vbscript:``,
``file:`` ...): the writer sees which link, rather than a link silently dropped.
"""

import re
from functools import lru_cache
from urllib.parse import unquote

import nh3
from markdown_it import MarkdownIt

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
ALLOWED_TAGS = frozenset({
    "a", "abbr", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "img",
    "li", "ol", "p", "pre", "s", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul", "input",
})
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"style"},
    "td": {"style"},
    "ol": {"start"},
    "input": {"type", "checked", "disabled"},
    "code": {"class"},
}
# Characters browsers drop inside a scheme ("java\tscript:") and the scheme itself.
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
_TASK = re.compile(r"^\[([ xX])\]\s")


@lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
        ["table", "strikethrough"])


@lru_cache(maxsize=1)
def _inspector() -> MarkdownIt:
    """A parser that keeps every link it sees, so the check below can name the unsafe ones."""
    md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    md.validateLink = lambda url: True
    return md


def link_scheme(url: str) -> str:
    """The scheme a browser would use for ``url`` ("" for a relative link or an anchor)."""
    text = _IGNORED_IN_SCHEME.sub("", url or "")
    text = re.sub(r"&#(x[0-9a-f]+|\d+);?", lambda m: chr(int(m[1][1:], 16) if m[1][0] in "xX" else int(m[1])),
                  text, flags=re.IGNORECASE)
    text = _IGNORED_IN_SCHEME.sub("", text)
    match = _SCHEME.match(text)
    return match[1].lower() if match else ""


def _links(tokens) -> list[str]:
    out = []
    for token in tokens:
        if token.type == "link_open":
            out.append(str(token.attrGet("href") or ""))
        elif token.type == "image":
            out.append(str(token.attrGet("src") or ""))
        if token.children:
            out.extend(_links(token.children))
    return out


def unsafe_links(source: str) -> list[str]:
    """Every link or image address in the Markdown whose scheme is not http, https or mailto."""
    found = []
    for url in _links(_inspector().parse(source or "")):
        # A percent-encoded scheme is a relative link to a browser; it is refused all the same.
        schemes = {link_scheme(url), link_scheme(unquote(url))} - {""}
        if schemes - SAFE_SCHEMES and url not in found:
            found.append(url)
    return found


def _task_lists(tokens) -> None:
    """``- [ ] item`` becomes a disabled checkbox, as in most Markdown editors (checklists ship this way)."""
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        first = token.children[0]
        if first.type == "text":
            match = _TASK.match(first.content)
            if match:
                first.content = first.content[match.end():]
                box = type(first)("html_inline", "", 0)
                box.content = ('<input type="checkbox" disabled checked> ' if match[1] in "xX"
                               else '<input type="checkbox" disabled> ')
                token.children.insert(0, box)


def render(source: str) -> str:
    """Sanitised HTML of an article's Markdown (safe to mark as safe in a template)."""
    md = _renderer()
    tokens = md.parse(source or "")
    _task_lists(tokens)
    html = md.renderer.render(tokens, md.options, {})
    return nh3.clean(html, tags=set(ALLOWED_TAGS), attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
                     url_schemes=set(SAFE_SCHEMES), link_rel="noopener noreferrer nofollow",
                     strip_comments=True)


def plain_text(source: str) -> str:
    """The words of an article without Markdown syntax: what search indexes and snippets quote."""
    md = _renderer()
    parts: list[str] = []

    def walk(tokens):
        for token in tokens:
            if token.type in ("text", "code_inline"):
                parts.append(token.content)
            elif token.type in ("code_block", "fence"):
                parts.append(token.content)
            elif token.type == "image":
                parts.append(token.content)
                continue
            elif token.type in ("softbreak", "hardbreak"):
                parts.append(" ")
            if token.children:
                walk(token.children)
            if token.type.endswith("_close") and token.block:
                parts.append("\n")

    walk(md.parse(source or ""))
    text = "".join(parts)
    text = re.sub(r"^\[[ xX]\]\s", "", text, flags=re.MULTILINE)
    return re.sub(r"\n{2,}", "\n", text).strip()
