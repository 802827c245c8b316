"""The hall's announcement template (叫号播报模板): what a call says, filled in.

The one definition of the placeholders a hall may use. The voice driver (devices/voice/text.py)
fills the same three with spoken forms and cannot import the core; tests/devices/voice/test_text.py
checks it accepts exactly these. A template is checked where it is edited (Hall.clean, the admin);
filling one in never raises, so a template saved before that check cannot stop a hall calling.
"""

from string import Formatter

from django.utils.translation import gettext_lazy as _

DEFAULT_TEMPLATE = "请{number}号到{window}号窗口办理"

PLACEHOLDERS = {
    "number": _("票号，如 A001"),
    "window": _("窗口号"),
    "service": _("事项名称"),
}


def problems(template: str) -> list[str]:
    """What is wrong with a template, in the reader's words; empty when it is fine."""
    try:
        fields = [(name, spec, conv) for _lit, name, spec, conv in Formatter().parse(template) if name is not None]
    except ValueError:
        return [str(_("花括号不成对：文字中的花括号请写成 {{ 或 }}"))]
    out = []
    for name, spec, conv in fields:
        if name not in PLACEHOLDERS:
            out.append(str(_("不认识的占位符 {%(name)s}，可用：%(allowed)s")) % {
                "name": name, "allowed": allowed()})
        elif spec or conv:
            out.append(str(_("占位符 {%(name)s} 不能带格式")) % {"name": name})
    if "{number}" not in template:
        out.append(str(_("模板须包含 {number}")))
    return out


def allowed() -> str:
    return "、".join("{%s}" % name for name in PLACEHOLDERS)


def render(template: str, *, number: str, window: str, service: str = "") -> str:
    """The filled-in template; the default one when the stored template cannot be filled in."""
    values = {"number": number, "window": window, "service": service}
    if template and not problems(template):
        return template.format_map(values)
    return DEFAULT_TEMPLATE.format_map(values)
