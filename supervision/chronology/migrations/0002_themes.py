"""The starting theme taxonomy, in English and Welsh. Administrators add more."""

from django.db import migrations

from supervision.chronology.models import DEFAULT_THEMES as THEMES


def add_themes(apps, schema_editor):
    Theme = apps.get_model("chronology", "Theme")
    for code, name_en, name_cy in THEMES:
        Theme.objects.update_or_create(code=code, defaults={"name_en": name_en, "name_cy": name_cy})


class Migration(migrations.Migration):
    dependencies = [("chronology", "0001_initial")]

    operations = [migrations.RunPython(add_themes, migrations.RunPython.noop)]
