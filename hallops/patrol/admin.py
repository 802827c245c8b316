"""Patrol records in the admin, in Chinese. Detections and the view log are records: read-only."""

from django.contrib import admin

from .models import (
    Camera, Detection, Finding, LunchRota, Notice, PatrolRound, Snapshot, Suppression, ViewLog,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Camera)
class CameraAdmin(admin.ModelAdmin):
    list_display = ("name", "hall", "window", "zone", "url", "fps", "enabled")
    list_filter = ("hall", "enabled")
    search_fields = ("name", "url")


@admin.register(Detection)
class DetectionAdmin(ReadOnly):
    list_display = ("raised_at", "hall", "camera", "window", "kind", "state", "duration_s", "reviewed_by")
    list_filter = ("hall", "kind", "state")
    date_hierarchy = "raised_at"


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnly):
    list_display = ("taken_at", "hall", "camera", "phase", "detection")
    list_filter = ("hall", "phase")


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    list_display = ("window", "kind", "starts_at", "ends_at", "note", "created_by")
    list_filter = ("kind",)


@admin.register(LunchRota)
class LunchRotaAdmin(admin.ModelAdmin):
    list_display = ("window", "weekdays", "start", "end", "note")


@admin.register(PatrolRound)
class PatrolRoundAdmin(admin.ModelAdmin):
    list_display = ("scheduled_at", "hall", "assigned_to", "status", "started_at", "finished_at")
    list_filter = ("hall", "status")


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ("created_at", "hall", "window", "staff", "category", "confirmed", "round")
    list_filter = ("hall", "category", "confirmed")
    search_fields = ("note",)


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ("number", "hall", "title", "published_at", "published_by")
    list_filter = ("hall", "year")
    filter_horizontal = ("findings",)
    readonly_fields = ("year", "seq", "number", "published_at", "published_by")

    def save_model(self, request, obj, form, change):
        if not change:
            # Numbers come from Notice.publish only, so they stay sequential per hall and year.
            fresh = Notice.publish(obj.hall, title=obj.title, body=obj.body, user=request.user)
            obj.pk, obj.year, obj.seq, obj.number = fresh.pk, fresh.year, fresh.seq, fresh.number
            obj.published_at, obj.published_by = fresh.published_at, fresh.published_by
            obj._state.adding = False
        super().save_model(request, obj, form, change)


@admin.register(ViewLog)
class ViewLogAdmin(ReadOnly):
    list_display = ("at", "user", "action", "camera", "snapshot", "ip")
    list_filter = ("action",)
    date_hierarchy = "at"
