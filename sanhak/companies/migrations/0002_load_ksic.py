from typing import Any

from django.db import migrations

from sanhak.companies.reference import load_ksic


def forwards(apps: Any, schema_editor: Any) -> None:
    load_ksic(apps.get_model("companies", "KsicCode"))


class Migration(migrations.Migration):
    dependencies = [("companies", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
