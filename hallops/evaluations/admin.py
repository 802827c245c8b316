"""Admin for the 好差评 configuration (reasons, indicator sets, regional deadlines) and a read-only
view of cases: a case moves only through its steps (the case pages or the API), so that every step
is recorded with who, when and why."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from hallops.core.admin import ReadOnlyAdmin

from .models import Case, CaseStep, IndicatorSet, RatingReason, RegionPolicy


@admin.register(RatingReason)
class RatingReasonAdmin(admin.ModelAdmin):
    list_display = ("code", "text", "order", "active")
    list_editable = ("order", "active")


@admin.register(IndicatorSet)
class IndicatorSetAdmin(admin.ModelAdmin):
    list_display = ("version", "active", "labels")

    @admin.display(description=_("指标"))
    def labels(self, obj):
        return "、".join(str(i.get("label", i.get("code"))) for i in obj.items or ())


@admin.register(RegionPolicy)
class RegionPolicyAdmin(admin.ModelAdmin):
    list_display = ("region_prefix", "name", "follow_up_days", "bad_rating_days", "unresolved_days", "hotline_days",
                    "assisted_days", "qr_rating_hours")


class CaseStepInline(admin.TabularInline):
    model = CaseStep
    extra = 0
    fields = ("step", "by", "at", "note", "data", "picture")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("pk", "kind", "status", "hall", "window", "opened_at", "due", "follow_up_due", "external_number")
    list_filter = ("hall", "kind", "status")
    search_fields = ("external_number",)
    list_select_related = ("hall", "window")
    inlines = [CaseStepInline]
