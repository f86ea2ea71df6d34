from typing import Any

from django.db import migrations

from sanhak.competencies.reference import load_reference


def forwards(apps: Any, schema_editor: Any) -> None:
    load_reference(
        apps.get_model("competencies", "NcsLevel"),
        apps.get_model("competencies", "Track"),
        apps.get_model("competencies", "Competency"),
    )


class Migration(migrations.Migration):
    dependencies = [("competencies", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
