"""Template helpers for hot pages.

`filter_field` renders a filter form's field (label + input, select or checkbox) in Python: Django's
widget templates cost about 4 ms per select with a few dozen options, which dominated the catalog.
"""

from __future__ import annotations

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def filter_field(field: BoundField) -> SafeString:
    widget = field.field.widget
    name, html_id = field.html_name, field.auto_id
    value = field.value()
    if isinstance(widget, forms.CheckboxInput):
        return format_html(
            '<div class="form-row"><label><input type="checkbox" name="{}" id="{}"{}> {}</label></div>',
            name,
            html_id,
            " checked" if value else "",
            field.label,
        )
    if isinstance(widget, forms.Select):
        current = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((str(v), " selected" if str(v) == current else "", label) for v, label in field.field.choices),  # type: ignore[attr-defined]
        )
        return format_html(
            '<div class="form-row"><label for="{}">{}</label><select name="{}" id="{}">{}</select></div>',
            html_id,
            field.label,
            name,
            html_id,
            options,
        )
    max_length = getattr(field.field, "max_length", None)
    return format_html(
        '<div class="form-row"><label for="{}">{}</label><input type="search" name="{}" id="{}" value="{}"{}></div>',
        html_id,
        field.label,
        name,
        html_id,
        value or "",
        format_html(' maxlength="{}"', max_length) if max_length else "",
    )
