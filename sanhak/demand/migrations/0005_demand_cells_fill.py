"""Fill the demand cells (and the companies answering several rounds) for the rounds that existed before."""

from django.db import migrations


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    # The current service, not historical models: it only reads the answers through the ORM and writes
    # rows of the tables created by the previous migrations. A later migration that adds a field to
    # DemandCell or RepeatCompany must make this step use a frozen copy of the logic instead.
    from sanhak.demand.services import demand_cells_refresh

    SurveyRound = apps.get_model("demand", "SurveyRound")
    for pk in SurveyRound.objects.values_list("pk", flat=True):
        demand_cells_refresh(round_id=pk)


class Migration(migrations.Migration):
    dependencies = [("demand", "0004_repeat_companies")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
