"""The hall's data: one module per concept, re-exported here for Django and callers."""

from .hall import Department, EventSequence, Hall, SkipPolicy, Zone
from .service import Service
from .staff import Role, StaffProfile
from .window import Window, WindowKind, WindowService, WindowState
from .device import ApiToken, Device, DeviceKind
from .ticket import ApplicantType, Appointment, Channel, DailyCounter, Priority, Ticket, TicketStatus
from .event import HallEvent
from .evaluation import Evaluation, EvaluationLevel
from .calendar import CalendarDay
from .alert import AlertAck
from .booking import BookingBlock, SlotCounter, SlotException, SlotTemplate

__all__ = [
    "AlertAck", "ApplicantType", "Appointment", "ApiToken", "BookingBlock", "CalendarDay", "Channel",
    "DailyCounter", "Department", "Device", "DeviceKind", "SlotCounter", "SlotException", "SlotTemplate",
    "Evaluation", "EvaluationLevel", "EventSequence", "Hall", "HallEvent", "Priority", "Role",
    "Service", "SkipPolicy", "StaffProfile", "Ticket", "TicketStatus", "Window", "WindowKind", "WindowService",
    "WindowState", "Zone",
]
