import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("common", "0004_notification_message_text"),
    ]

    operations = [
        migrations.CreateModel(
            name="AccessLogSpool",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100, unique=True)),
                ("offset", models.BigIntegerField(default=0)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
        ),
        # auto_now_add -> default=timezone.now: the same column (Django keeps neither in the database), so
        # the state only; SQLite would otherwise copy the whole log into a new table for nothing.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="personaldataaccess",
                    name="created_at",
                    field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                ),
            ]
        ),
    ]
