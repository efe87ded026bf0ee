"""The campaign's progress as a PNG chart for its 督导报告 (matplotlib, Agg, Noto Sans CJK SC), drawn
like the work reports' charts (``dudao.workreports.charts``): the same data give the same bytes.

Labels are Chinese whatever the author's interface language: the chart goes into an official document.
"""

import io

FONT_FAMILY = ["Noto Sans CJK SC", "Noto Sans CJK JP", "DejaVu Sans"]
_DPI = 150
_BAR = "#206bc4"
STAGES = (("notified", "已通知"), ("self_checked", "已自查"), ("visited", "已实地督导"), ("done", "已完成整改"))


def progress_chart(progress: dict) -> bytes:
    """One horizontal bar per stage: schools notified, self-checked, visited and done, with counts."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"font.family": "sans-serif", "font.sans-serif": FONT_FAMILY, "font.size": 10,
                                "axes.unicode_minus": False, "axes.spines.top": False,
                                "axes.spines.right": False, "svg.hashsalt": "dudao"}):
        figure = Figure(figsize=(6.4, 2.6), dpi=_DPI)
        FigureCanvasAgg(figure)
        ax = figure.add_subplot()
        labels = [label for _key, label in reversed(STAGES)]
        values = [progress.get(key, 0) for key, _label in reversed(STAGES)]
        bars = ax.barh(labels, values, color=_BAR, height=0.55)
        ax.bar_label(bars, fontsize=8, padding=2)
        ax.set_xlim(0, max(progress.get("targets", 0), 1) * 1.15)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_xlabel("学校数（所）")
        ax.set_title(f"专项督导进度（共{progress.get('targets', 0)}所）", fontsize=10)
        out = io.BytesIO()
        figure.savefig(out, format="png", dpi=_DPI, metadata={"Software": None}, bbox_inches="tight")
        return out.getvalue()
