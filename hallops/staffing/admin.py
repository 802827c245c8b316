from django.contrib import admin

from .models import StaffingTarget


@admin.register(StaffingTarget)
class StaffingTargetAdmin(admin.ModelAdmin):
    list_display = ("hall", "target_share", "target_wait_minutes", "shrinkage", "history_weeks")
