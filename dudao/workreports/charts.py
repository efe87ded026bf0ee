"""Charts for drafted reports: PNG pictures drawn with matplotlib (Agg, no display) in Noto Sans
CJK SC, so that the Chinese labels print in the .docx and its PDF exactly as on screen.

Each function takes the plain data of ``drafting.period_summary`` and returns PNG bytes; the
same data give the same bytes (no time stamp in the file), so a document drafted twice from the
same records is recognised as the same document. ``report_charts`` wraps them as document images.
"""

import io

from django.utils import translation
from django.utils.translation import gettext as _

from dudao.documents.render import Image

FONT_FAMILY = ["Noto Sans CJK SC", "Noto Sans CJK JP", "DejaVu Sans"]
CHART_WIDTH_MM = 150
_DPI = 150
_BAR = "#206bc4"  # Tabler blue, the colour of the pages' charts
_LINE = "#d63939"


def _figure(width_in: float, height_in: float):
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width_in, height_in), dpi=_DPI)
    FigureCanvasAgg(figure)
    return figure


def _png(figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=_DPI, metadata={"Software": None}, bbox_inches="tight")
    return out.getvalue()


def _style():
    import matplotlib

    return matplotlib.rc_context({
        "font.family": "sans-serif", "font.sans-serif": FONT_FAMILY, "font.size": 10,
        "axes.unicode_minus": False, "axes.spines.top": False, "axes.spines.right": False,
        "svg.hashsalt": "dudao",
    })


def coverage_chart(months: list[dict]) -> bytes:
    """Visits per month (bars) and the share of schools visited that month (line, right axis)."""
    with _style():
        figure = _figure(6.4, 3.0)
        ax = figure.add_subplot()
        labels = [m["label"] for m in months] or ["—"]
        visits = [m["visits"] for m in months] or [0]
        bars = ax.bar(labels, visits, color=_BAR, width=0.55, label=_("Visits"))
        ax.bar_label(bars, fontsize=8)
        ax.set_ylabel(_("Visits"))
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_ylim(0, max(max(visits), 1) * 1.3)
        right = ax.twinx()
        right.spines["top"].set_visible(False)
        rates = [m["coverage"] if m["coverage"] is not None else 0 for m in months] or [0]
        right.plot(labels, rates, color=_LINE, marker="o", linewidth=1.6, label=_("Schools visited (%)"))
        right.set_ylim(0, 125)
        right.set_yticks([0, 20, 40, 60, 80, 100])
        right.set_ylabel(_("Schools visited (%)"))
        handles = [bars, right.get_lines()[0]]
        ax.legend(handles, [h.get_label() for h in handles], loc="upper left", fontsize=8, frameon=False, ncols=2)
        if len(labels) > 6:
            ax.tick_params(axis="x", labelrotation=30)
        return _png(figure)


def findings_chart(by_item: list[dict]) -> bytes:
    """Findings per checklist item, one horizontal bar per item (the item's number and wording)."""
    with _style():
        rows = list(reversed(by_item)) or [{"label": _("No findings"), "n": 0}]
        height = max(1.6, 0.42 * len(rows) + 0.8)
        figure = _figure(6.4, height)
        ax = figure.add_subplot()
        labels = [_short(r["label"]) for r in rows]
        bars = ax.barh(labels, [r["n"] for r in rows], color=_BAR, height=0.6)
        ax.bar_label(bars, fontsize=8, padding=2)
        ax.set_xlabel(_("Findings"))
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_xlim(0, max([r["n"] for r in rows] + [1]) * 1.2)
        return _png(figure)


def _short(label: str, limit: int = 18) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def report_charts(summary: dict) -> dict[str, Image]:
    """The charts of a drafted report as document images, by the name the template uses; their
    labels are Chinese like the document, whatever the language of the person drafting it."""
    with translation.override("zh-hans"):
        items = [{**row, "label": _item_label(row)} for row in summary["findings"]["by_item"]]
        return {
            "coverage_chart": Image(coverage_chart(summary["months"]), width_mm=CHART_WIDTH_MM),
            "findings_chart": Image(findings_chart(items), width_mm=CHART_WIDTH_MM),
        }


def item_label(row: dict) -> str:
    """A checklist item as the document names it: its number and wording."""
    if row["code"] and row["text"]:
        return f"{row['code']}. {row['text']}"
    return row["code"] or "未对应督导事项"


def _item_label(row: dict) -> str:
    return item_label(row) if "code" in row else row["label"]
