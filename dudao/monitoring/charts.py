"""ECharts options (plain dicts, rendered through ``json_script`` and ``dudao.js``)."""

from django.utils.translation import gettext as _


def cv_chart(level: dict) -> dict:
    """Bars: each indicator's published CV; a dashed line at the threshold (2017) or composite (2012)."""
    names = [i["name"] for i in level["indicators"]]
    values = [i["cv"]["published"] for i in level["indicators"]]
    threshold = level["threshold"]
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 40, "right": 20, "bottom": 90, "top": 20},
        "xAxis": {"type": "category", "data": names, "axisLabel": {"interval": 0, "rotate": 30}},
        "yAxis": {"type": "value"},
        "series": [{
            "type": "bar", "name": _("CV"), "data": values,
            "markLine": {"symbol": "none", "lineStyle": {"type": "dashed", "color": "#d63939"},
                         "data": [{"yAxis": threshold, "name": _("CV threshold")}]},
        }],
    }


def trend_chart(years: list[int], series: dict[str, list], names: dict[str, str]) -> dict:
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"type": "scroll", "bottom": 0},
        "grid": {"left": 40, "right": 20, "bottom": 50, "top": 20},
        "xAxis": {"type": "category", "data": [str(y) for y in years]},
        "yAxis": {"type": "value"},
        "series": [{"type": "line", "name": names.get(key, key), "data": values, "connectNulls": False}
                   for key, values in series.items()],
    }
