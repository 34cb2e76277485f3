"""Appeal descriptions: Markdown from the secretariat, rendered then sanitised, as notices are (notices/markdown.py).

donations may not import notices beyond its alert entry, so this is a deliberately smaller copy of the same rule (no
images, no tables: an appeal's text is a few paragraphs and lists). If a third app needs it, move one copy to
alliance_portal and let both apps use it.
"""

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

TAGS = {"a", "b", "blockquote", "br", "code", "em", "h3", "h4", "h5", "hr", "i", "li", "ol", "p", "strong", "ul"}
ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
CLEAN_CONTENT_TAGS = {"script", "style", "iframe", "object", "embed", "svg", "math", "template", "noscript"}


def render(text: str) -> SafeString:
    html = markdown_lib.markdown(text or "", extensions=["sane_lists"], output_format="html")
    cleaned = nh3.clean(
        html,
        tags=TAGS,
        clean_content_tags=CLEAN_CONTENT_TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 — nh3 has just sanitised it
