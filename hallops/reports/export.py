"""A report as CSV or XLSX, with Chinese headers (the people reading it are the hall's and the district's)."""

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter


def columns(by):
    """(field, header) in the order of the sheet; the header follows the active language."""
    cols = [
        ("key", _("编码")), ("name", _("名称")), ("issued", _("取号数")), ("served", _("办结数")),
        ("skipped", _("过号数")), ("cancelled", _("取消数")), ("wait_mean_s", _("平均等候（秒）")),
        ("wait_p90_s", _("P90 等候（秒）")), ("wait_max_s", _("最长等候（秒）")),
        ("handle_mean_s", _("平均办理（秒）")), ("handle_p90_s", _("P90 办理（秒）")), ("on_time_rate", _("按时办结率")),
        ("rating_rate", _("评价率（%）")), ("good_rate", _("好评率（%）")), ("bad_rate", _("差评率（%）")),
        ("rectify_rate", _("整改率（%）")), ("follow_up_rate", _("回访率（%）")), ("no_shows", _("预约爽约数")),
    ]
    if by == "window":
        cols += [("open_s", _("开放时长（秒）")), ("busy_s", _("办理时长（秒）")), ("idle_s", _("空闲时长（秒）")),
                 ("utilisation", _("窗口利用率"))]
    return cols


def to_csv(report) -> bytes:
    out = io.StringIO()
    cols = columns(report["by"])
    writer = csv.writer(out)
    writer.writerow([h for _f, h in cols])
    for row in report["rows"]:
        writer.writerow(["" if row.get(f) is None else row.get(f) for f, _h in cols])
    # UTF-8 with a BOM: Excel on a hall PC opens Chinese CSV correctly only with it.
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def to_xlsx(report) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = f"{report['label']}"[:31]
    cols = columns(report["by"])
    ws.append([h for _f, h in cols])
    for row in report["rows"]:
        ws.append([row.get(f) for f, _h in cols])
    for i, (_f, header) in enumerate(cols, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, len(header) * 2)
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
