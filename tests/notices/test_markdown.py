"""A notice body full of XSS attempts renders harmless, in both languages."""

import re

import pytest

from alliance_portal.markdown import render

ATTACKS = """
# {title}

<script>alert('x')</script>
<SCRIPT SRC=https://evil.example/x.js></SCRIPT>
<img src="x" onerror="alert(1)">
<IMG SRC=x OnErRoR=alert(1)>
[click](javascript:alert(1)) [click2](JaVaScRiPt:alert(1)) [click3]( javascript:alert(1))
[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
<a href="jav&#x61;script:alert(1)">entity</a> <a href="&#106;avascript:alert(1)">decimal</a>
<a href="vbscript:msgbox(1)">vb</a>
<iframe src="https://evil.example/"></iframe>
<svg onload="alert(1)"><circle r="1"/></svg>
<p style="background:url(javascript:alert(1))" onclick="steal()">styled</p>
<div onmouseover="alert(1)">hover</div>
<object data="x.swf"></object><embed src="x.swf">
<form action="https://evil.example"><input name="p"></form>
<math><mtext><script>alert(1)</script></mtext></math>
![img](javascript:alert(1))
<a href="https://example.com/ok" target="_blank">fine link</a>
&lt;script&gt;alert('escaped')&lt;/script&gt;
{text}
"""


@pytest.mark.parametrize(
    "title,text",
    [
        ("通知标题", "请各成员单位**高度重视**，详见[联系方式](/contact/)。"),
        ("Notice", "Please **act**, see [contact](/contact/)."),
    ],
)
def test_xss_attempts_render_harmless(title, text):
    html = str(render(ATTACKS.format(title=title, text=text)))
    lowered = html.lower()
    for bad in ("<script", "<iframe", "<svg", "<object", "<embed", "<form", "<input", "<math", "<div", "style="):
        assert bad not in lowered, bad
    assert not re.search(r"\son\w+\s*=", lowered), html
    assert "javascript:" not in lowered and "vbscript:" not in lowered and "data:" not in lowered
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs and all(h.startswith(("https://", "http://", "mailto:", "/")) for h in hrefs), hrefs
    # What is meant to survive does: the heading, emphasis, our own link, safe links with rel.
    assert f"<h1>{title}</h1>" in html
    assert "<strong>" in html and 'href="/contact/"' in html
    assert 'href="https://example.com/ok"' in html
    assert all('rel="noopener noreferrer"' in tag for tag in re.findall(r"<a [^>]*>", html))
    # Escaped text stays text.
    assert "&lt;script&gt;" in html


def test_plain_markdown_renders():
    html = str(render("- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |"))
    assert "<ul>" in html and "<li>one</li>" in html and "<table>" in html


def test_mailto_is_kept():
    assert 'href="mailto:a@example.com"' in str(render("[mail](mailto:a@example.com)"))
