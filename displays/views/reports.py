"""The report page (统计报表): a table, a chart, and the same figures as CSV or XLSX through the API."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from hallops.core import actors
from hallops.core.errors import HallopsError
from hallops.pages import hall_page, refuse
from hallops.reports.export import columns
from hallops.reports.figures import GROUPINGS, report
from hallops.reports.params import parse
from hallops.reports.periods import PERIODS


@login_required
@hall_page(actors.authorize_dashboard)
def reports(request, hall, actor):
    try:
        period, by, _fmt = parse(request.GET)
    except HallopsError as e:
        return refuse(request, e)
    data = report(hall, period, by)
    cols = columns(by)
    labels = {"day": _("日"), "week": _("周"), "month": _("月"), "hall": _("大厅"), "zone": _("专区"),
              "service": _("事项"), "window": _("窗口"), "staff": _("工作人员")}
    chart = {"labels": [r["name"] for r in data["rows"]],
             "series": [{"label": _("取号数"), "data": [r["issued"] for r in data["rows"]]},
                        {"label": _("办结数"), "data": [r["served"] for r in data["rows"]]}]}
    query = f"period={period.kind}&date={period.first.isoformat()}&by={by}"
    return render(request, "displays/reports.html", {
        "hall": hall, "report": data, "columns": cols,
        "rows": [[r.get(f) for f, _h in cols] for r in data["rows"]],
        "periods": [(p, labels[p]) for p in PERIODS], "groupings": [(g, labels[g]) for g in GROUPINGS],
        "period": period, "by": by, "date": request.GET.get("date") or period.first.isoformat(), "chart": chart,
        "csv_url": f"/api/v1/halls/{hall.code}/reports/?{query}&format=csv",
        "xlsx_url": f"/api/v1/halls/{hall.code}/reports/?{query}&format=xlsx",
    })
