"""The national on-site indicator set (GB/T 39734-2020) and a starting list of bad-rating reasons.

Both are data a hall edits in the admin; this only gives a new installation something to show.
"""

from django.db import migrations

INDICATORS = [
    {"code": "overall", "label": "整体满意度"},
    {"code": "efficiency", "label": "服务效率"},
    {"code": "quality", "label": "服务水平"},
    {"code": "attitude", "label": "服务态度"},
]

REASONS = [
    ("attitude", "服务态度差"),
    ("slow", "办事效率低、等候时间长"),
    ("notice", "未一次性告知所需材料"),
    ("materials", "材料要求多、重复提交"),
    ("unresolved", "问题没有解决"),
    ("rules", "办事规定不合理"),
    ("system", "系统故障"),
    ("environment", "大厅环境秩序差"),
    ("other", "其他"),
]


def seed(apps, schema_editor):
    IndicatorSet = apps.get_model("evaluations", "IndicatorSet")
    RatingReason = apps.get_model("evaluations", "RatingReason")
    if not IndicatorSet.objects.exists():
        IndicatorSet.objects.create(version="GB/T 39734-2020", items=INDICATORS, active=True)
    for order, (code, text) in enumerate(REASONS):
        RatingReason.objects.get_or_create(code=code, defaults={"text": text, "order": order})


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0001_cases")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
