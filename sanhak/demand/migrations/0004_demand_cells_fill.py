"""Fill the demand cells of the rounds that existed before them (the gap analysis adds these up)."""

from django.db import migrations


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    # The current service, not historical models: it only reads the answers through the ORM and writes
    # rows of the table created by the previous migration.
    from sanhak.demand.services import demand_cells_refresh

    SurveyRound = apps.get_model("demand", "SurveyRound")
    for pk in SurveyRound.objects.values_list("pk", flat=True):
        demand_cells_refresh(round_id=pk)


class Migration(migrations.Migration):
    dependencies = [("demand", "0003_demand_cells")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
