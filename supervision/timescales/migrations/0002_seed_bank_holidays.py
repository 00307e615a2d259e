"""Seed England and Wales bank holidays for 2020-2035.

Later years are added with `manage.py seed_bank_holidays`, which is safe to re-run.
"""

from django.db import migrations

from supervision.timescales.bank_holidays import england_and_wales_bank_holidays

FIRST_YEAR = 2020
LAST_YEAR = 2035


def seed(apps, schema_editor):
    NonWorkingDay = apps.get_model("timescales", "NonWorkingDay")
    for day, title_en, title_cy in england_and_wales_bank_holidays(FIRST_YEAR, LAST_YEAR):
        NonWorkingDay.objects.update_or_create(
            date=day,
            defaults={
                "kind": "bank_holiday",
                "title_en": title_en,
                "title_cy": title_cy,
                "agency": None,
            },
        )


def unseed(apps, schema_editor):
    NonWorkingDay = apps.get_model("timescales", "NonWorkingDay")
    NonWorkingDay.objects.filter(
        kind="bank_holiday", date__year__gte=FIRST_YEAR, date__year__lte=LAST_YEAR
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("timescales", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
    ]
