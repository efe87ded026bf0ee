"""ECharts options for survey results (plain dicts, rendered through ``json_script`` and dudao.js)."""


def _pct(cell):
    value = cell.percent
    return float(value) if value is not None else None


def school_chart(results) -> dict:
    """Bars per school: the rate of each group and of all groups; a dashed line at the pass mark."""
    names = [row.school.name for row in results.schools]
    series = [{"type": "bar", "name": label, "data": [_pct(row.cells[g]) for row in results.schools]}
              for g, label in results.groups]
    series.append({
        "type": "bar", "name": "总体", "data": [_pct(row.overall) for row in results.schools],
        "markLine": {"symbol": "none", "lineStyle": {"type": "dashed", "color": "#d63939"},
                     "data": [{"yAxis": round(float(results.threshold) * 100, 2)}]},
    })
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"type": "scroll", "bottom": 0},
        "grid": {"left": 40, "right": 20, "bottom": 80, "top": 20},
        "xAxis": {"type": "category", "data": names, "axisLabel": {"interval": 0, "rotate": 30}},
        "yAxis": {"type": "value", "min": 0, "max": 100, "axisLabel": {"formatter": "{value}%"}},
        "series": series,
    }


def question_chart(results) -> dict:
    """Stacked horizontal bars: the share of each answer option per rated question."""
    questions = [q for q in results.questions if q.rated]
    options: list[str] = []
    for q in questions:
        for option in reversed(q.options):  # highest first: 满意 on the left
            if option not in options:
                options.append(option)
    series = []
    for option in options:
        data = []
        for q in questions:
            total = q.answered
            data.append(round(100 * q.counts.get(option, 0) / total, 1) if total else 0)
        series.append({"type": "bar", "stack": "all", "name": option, "data": data})
    return {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"bottom": 0},
        "grid": {"left": 50, "right": 20, "bottom": 40, "top": 10},
        "xAxis": {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}},
        "yAxis": {"type": "category", "data": [q.code for q in questions], "inverse": True},
        "series": series,
    }
