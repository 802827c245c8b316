from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class District(models.Model):
    """A district (区/县): its centre and its street and community points are halls whose 行政区划
    code starts with the district's six digits."""

    code = models.CharField(_("区县代码"), max_length=6, unique=True,
                            validators=[RegexValidator(r"^\d{6}$", _("区县代码为 6 位数字"))])
    name = models.CharField(_("名称"), max_length=60)

    class Meta:
        verbose_name = _("区县")
        verbose_name_plural = _("区县")
        ordering = ["code"]

    def __str__(self):
        return self.name
