"""Reading rendered pages in tests: the text of an element found by ``data-testid``, table headers."""

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Collector(HTMLParser):
    def __init__(self, match):
        super().__init__(convert_charrefs=True)
        self.match = match
        self.depth = 0  # > 0 while inside a matching element
        self.found: list[list[str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        if self.depth:
            self.depth += 1
        elif self.match(tag, dict(attrs)):
            self.depth = 1
            self.found.append([])

    def handle_endtag(self, tag):
        if self.depth and tag not in VOID:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.found[-1].append(data)


def _texts(html: str, match) -> list[str]:
    parser = _Collector(match)
    parser.feed(html)
    return [" ".join("".join(parts).split()) for parts in parser.found]


def text_by_testid(html: str, testid: str) -> str | None:
    """The whitespace-normalised text of the first element with ``data-testid=testid``, or None."""
    texts = _texts(html, lambda tag, attrs: attrs.get("data-testid") == testid)
    return texts[0] if texts else None


def table_headers(html: str, testid: str = "object-table") -> list[str]:
    """The header cells of the table with ``data-testid=testid``, in order."""
    parser = _Collector(lambda tag, attrs: attrs.get("data-testid") == testid)
    parser.feed(html)
    headers = _texts(html, lambda tag, attrs: tag == "th")
    return headers if parser.found else []
