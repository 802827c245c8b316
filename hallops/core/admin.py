"""The Django admin, in Chinese: where a hall is configured (halls, zones, matters, windows, staff, devices).

History (tickets, hall events, evaluations) is shown read-only: it is the record the screens,
reports and 好差评 platform rely on, and every change to it must go through the queue engine so
that it is logged as a hall event. For the same reason a window's live state (who sits there,
open/paused) is read-only here; staff sign in and out at the window.
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import announcement
from .authn import forget_tokens
from .models import (
    Appointment, ApiToken, CalendarDay, Department, Device, Evaluation, Hall, HallEvent, Service, StaffProfile, Ticket,
    Window, WindowService, Zone,
)
from .models import BookingBlock, SlotException, SlotTemplate

admin.site.site_header = _("hallops 政务服务大厅现场管理")
admin.site.site_title = _("hallops 管理")
admin.site.index_title = _("大厅配置与记录")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable, never added, changed or deleted from the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _parent_hall_id(request, model):
    """The hall of the object open in the change form, to offer only that hall's rows in inlines."""
    match = getattr(request, "resolver_match", None)
    object_id = match.kwargs.get("object_id") if match else None
    if not object_id:
        return None
    return model.objects.filter(pk=object_id).values_list("hall_id", flat=True).first()


# --- Halls ---------------------------------------------------------------------------------------

class ZoneInline(admin.TabularInline):
    model = Zone
    extra = 0
    fields = ("code", "name", "order")


@admin.register(Hall)
class HallAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "address", "enforce_hours", "zone_count", "window_count")
    search_fields = ("code", "name", "address")
    inlines = [ZoneInline]
    fieldsets = (
        (None, {"fields": ("code", "name", "region_code", "address", ("latitude", "longitude"), "notice")}),
        (_("开放时间"), {"fields": ("enforce_hours", "opening_hours", "appointment_hours",
                                     "makeup_day_hours_weekday", "appointment_early_minutes")}),
        (_("叫号与过号"), {"fields": ("announcement_template", "skip_requeue_places", "skip_daily_limit",
                                      "starvation_minutes", "max_wait_minutes")}),
        (_("告警"), {"fields": ("long_wait_alert_minutes", "idle_alert_minutes", "pause_alert_minutes",
                                  "wait_yellow_minutes", "wait_red_minutes")}),
        (_("预约"), {"fields": ("booking_days_ahead", "booking_cancel_minutes", "no_show_grace_minutes",
                                ("no_show_limit", "no_show_window_days", "booking_block_days"))}),
    )

    def get_form(self, request, obj=None, **kwargs):
        kwargs["help_texts"] = {"announcement_template": _("可用占位符：%(allowed)s；须包含 {number}") % {
            "allowed": announcement.allowed()}}
        return super().get_form(request, obj, **kwargs)

    @admin.display(description=_("专区数"))
    def zone_count(self, obj):
        return obj.zones.count()

    @admin.display(description=_("窗口数"))
    def window_count(self, obj):
        return obj.windows.count()


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Local holidays, a hall's closures, or next year's 调休 before the package knows it."""

    list_display = ("date", "working", "hall", "region_code", "hours_weekday", "note")
    list_filter = ("working", "hall")
    search_fields = ("note", "region_code")
    date_hierarchy = "date"


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


class SlotTemplateInline(admin.TabularInline):
    model = SlotTemplate
    extra = 0
    fields = ("weekday", "start", "end", "capacity")
    verbose_name_plural = _("每周预约时段（仅在工作日开放；调休上班日按大厅设置的星期）")


class SlotExceptionInline(admin.TabularInline):
    model = SlotException
    extra = 0
    fields = ("day", "start", "end", "capacity")
    verbose_name_plural = _("预约时段例外（某日有例外时，该日只开放例外所列时段；可约人数为 0 即不开放）")


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("prefix", "name", "code", "hall", "zone", "department", "kind", "expected_minutes",
                    "daily_quota", "bookable", "active", "order")
    list_display_links = ("prefix", "name")
    list_filter = ("hall", "zone", "department", "kind", "bookable", "active")
    list_editable = ("active", "order")
    search_fields = ("name", "code", "prefix", "department__name")
    list_select_related = ("hall", "zone", "department")
    fieldsets = (
        (None, {"fields": ("hall", "zone", "department", "code", "name", "prefix", "kind", "order", "active")}),
        (_("取号与预约"), {"fields": ("expected_minutes", "committed_minutes", "daily_quota", "bookable",
                                      "booking_needs_id")}),
        (_("一次性告知"), {"fields": ("materials",)}),
    )
    inlines = [SlotTemplateInline, SlotExceptionInline]


# --- Windows -------------------------------------------------------------------------------------

class WindowServiceInline(admin.TabularInline):
    model = WindowService
    extra = 1
    fields = ("preference", "service")
    ordering = ("preference",)
    verbose_name = _("办理事项")
    verbose_name_plural = _("办理事项（按优先顺序，数字越小越先叫）")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "service":
            hall_id = _parent_hall_id(request, Window)
            if hall_id is not None:
                kwargs["queryset"] = Service.objects.filter(hall_id=hall_id).select_related("zone")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Window)
class WindowAdmin(admin.ModelAdmin):
    list_display = ("number", "name", "hall", "zone", "kind", "state", "staff_name", "service_count")
    list_display_links = ("number", "name")
    list_filter = ("hall", "zone", "kind", "state")
    search_fields = ("number", "name")
    list_select_related = ("hall", "zone", "staff__staff")
    inlines = [WindowServiceInline]
    # Live state changes only through the queue engine, which logs them as hall events.
    readonly_fields = ("state", "state_since", "staff", "pause_reason", "stand_in")
    fieldsets = (
        (None, {"fields": ("hall", "zone", "number", "name", "kind")}),
        (_("当前状态"), {"fields": ("state", "state_since", "staff", "pause_reason", "stand_in")}),
    )

    @admin.display(description=_("在岗人员"))
    def staff_name(self, obj):
        profile = getattr(obj.staff, "staff", None) if obj.staff_id else None
        return profile.display_name if profile else (obj.staff or "")

    @admin.display(description=_("事项数"))
    def service_count(self, obj):
        return obj.window_services.count()


# --- Staff ---------------------------------------------------------------------------------------

class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    fields = ("display_name", "hall", "role", "staff_no", "title", "photo")
    verbose_name = verbose_name_plural = _("工作人员信息")


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [StaffProfileInline]
    list_display = ("username", "display_name", "role", "hall", "is_active", "is_superuser", "last_login")
    list_filter = ("staff__role", "staff__hall", "is_active", "is_superuser")
    search_fields = ("username", "staff__display_name", "staff__staff_no")
    list_select_related = ("staff__hall",)

    @admin.display(description=_("姓名"), ordering="staff__display_name")
    def display_name(self, obj):
        return getattr(getattr(obj, "staff", None), "display_name", "")

    @admin.display(description=_("角色"), ordering="staff__role")
    def role(self, obj):
        profile = getattr(obj, "staff", None)
        return profile.get_role_display() if profile else ""

    @admin.display(description=_("大厅"), ordering="staff__hall")
    def hall(self, obj):
        profile = getattr(obj, "staff", None)
        return (profile.hall or _("全部大厅")) if profile else ""


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ("display_name", "user", "hall", "role", "staff_no", "title")
    list_filter = ("hall", "role")
    search_fields = ("display_name", "staff_no", "user__username")
    list_select_related = ("user", "hall")
    raw_id_fields = ("user",)


# --- Devices and tokens --------------------------------------------------------------------------

@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ("name", "label", "kind", "hall", "window", "url", "enabled", "online", "last_seen")
    list_filter = ("hall", "kind", "online", "enabled")
    search_fields = ("name", "label", "url")
    list_select_related = ("hall", "window")
    # Health is kept by the device hub; tokens are issued by the action below and never shown again.
    readonly_fields = ("online", "last_seen", "status")
    fields = ("hall", "kind", "name", "label", "window", "url", "gateway", "options", "enabled", "heartbeat_s",
              "online", "last_seen", "status")
    actions = ["issue_token"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        hall_id = _parent_hall_id(request, Device)
        if hall_id is not None and db_field.name in ("window", "gateway"):
            model = Window if db_field.name == "window" else Device
            kwargs["queryset"] = model.objects.filter(hall_id=hall_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.action(description=_("签发新令牌（旧令牌吊销，新令牌只显示一次）"), permissions=["change"])
    def issue_token(self, request, queryset):
        for device in queryset:
            ApiToken.objects.filter(device=device, revoked=False).update(revoked=True)
            forget_tokens()
            raw = ApiToken.issue(device=device)
            self.message_user(request, _("%(device)s 的新令牌：%(token)s （请立即复制，之后不再显示）")
                              % {"device": device.name, "token": raw}, messages.WARNING)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("prefix", "owner", "created", "revoked")
    list_filter = ("revoked", "device__kind", "device__hall")
    search_fields = ("prefix", "user__username", "device__name")
    list_select_related = ("user", "device")
    fields = ("prefix", "user", "device", "created_at", "revoked")
    actions = ["revoke"]

    @admin.display(description=_("持有者"))
    def owner(self, obj):
        return obj.device or obj.user

    @admin.display(description=_("签发时间"), ordering="created_at")
    def created(self, obj):
        return obj.created_at

    # Revoking is the one change allowed on a token, so the action needs no change permission.
    @admin.action(description=_("吊销所选令牌"))
    def revoke(self, request, queryset):
        n = queryset.filter(revoked=False).update(revoked=True)
        forget_tokens()  # this process at once; the others within HALLOPS_TOKEN_CACHE_SECONDS
        self.message_user(request, ngettext("已吊销 %(n)d 个令牌", "已吊销 %(n)d 个令牌", n) % {"n": n},
                          messages.SUCCESS)


# --- Records -------------------------------------------------------------------------------------

@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = ("number", "service", "hall", "day", "status", "priority", "channel", "window", "issued_at",
                    "called_at", "finished_at")
    list_filter = ("status", "service", "day", "hall", "priority", "channel")
    search_fields = ("number",)
    date_hierarchy = "day"
    list_select_related = ("service", "hall", "window")
    show_full_result_count = False  # a busy hall has millions of tickets; COUNT(*) would be the slow part


@admin.register(HallEvent)
class HallEventAdmin(ReadOnlyAdmin):
    list_display = ("seq_no", "hall", "event_type", "event_actor", "at")
    list_filter = ("hall", "type")
    search_fields = ("type", "actor")
    list_select_related = ("hall",)
    show_full_result_count = False

    @admin.display(description=_("序号"), ordering="seq")
    def seq_no(self, obj):
        return obj.seq

    @admin.display(description=_("事件"), ordering="type")
    def event_type(self, obj):
        return obj.type

    @admin.display(description=_("操作者"))
    def event_actor(self, obj):
        return obj.actor

    @admin.display(description=_("时间"), ordering="created_at")
    def at(self, obj):
        return obj.created_at


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "ticket_number", "hall", "window", "service", "level", "bad", "source")
    list_filter = ("hall", "level", "source", "window")
    search_fields = ("ticket__number",)
    date_hierarchy = "created_at"
    list_select_related = ("ticket", "hall", "window", "service")

    @admin.display(description=_("号码"), ordering="ticket__number")
    def ticket_number(self, obj):
        return obj.ticket.number

    @admin.display(description=_("差评"), boolean=True)
    def bad(self, obj):
        return obj.is_bad


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    """Bookings are made, cancelled and checked in through the booking rules (limits, capacity,
    hall events), so the admin only shows them; phone and ID number were only ever stored masked."""

    list_display = ("code", "hall", "service", "citizen_name", "citizen_phone", "id_masked", "slot_start",
                    "slot_end", "status", "created_at")
    list_filter = ("hall", "status", "service")
    search_fields = ("code", "citizen_name")
    date_hierarchy = "slot_start"
    list_select_related = ("hall", "service")
    fields = ("code", "hall", "service", "citizen_name", "citizen_phone", "id_masked", "slot_start", "slot_end",
              "status", "created_at", "closed_at")


@admin.register(BookingBlock)
class BookingBlockAdmin(ReadOnlyAdmin):
    """Blocks after repeated no-shows; a lobby manager lifts one, with a reason, from the dashboard API."""

    list_display = ("phone_masked", "hall", "no_shows", "created_at", "until", "lifted_at", "lifted_by",
                    "lift_reason")
    list_filter = ("hall",)
    list_select_related = ("hall", "lifted_by")
    fields = ("hall", "phone_masked", "no_shows", "created_at", "until", "lifted_at", "lifted_by", "lift_reason")
