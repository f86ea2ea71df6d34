"""Helpers for forms shared by several apps."""

from __future__ import annotations

from django import forms


def refusal(form: forms.Form, field: str, missing: str) -> str:
    """What a page tells about a one-field form it refused: `missing`, the page's own wording, for a value
    left out; else the field's own error (too long, a resident registration number, …)."""
    errors = form.errors.get(field)
    if not errors or form.has_error(field, "required"):
        return missing
    return str(errors[0])
