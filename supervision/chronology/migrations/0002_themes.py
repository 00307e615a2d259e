"""The starting theme taxonomy, in English and Welsh. Administrators add more."""

from django.db import migrations

THEMES = [
    ("child_voice", "Child's voice", "Llais y plentyn"),
    ("conflicting_information", "Conflicting information", "Gwybodaeth sy'n gwrthdaro"),
    ("cp_process", "Child protection process", "Proses amddiffyn plant"),
    ("development", "Development", "Datblygiad"),
    ("domestic_abuse", "Domestic abuse", "Cam-drin domestig"),
    ("early_years_attendance", "Early years attendance", "Presenoldeb blynyddoedd cynnar"),
    ("health", "Health", "Iechyd"),
    ("housing", "Housing", "Tai"),
    ("missed_health", "Missed health appointments", "Apwyntiadau iechyd a gollwyd"),
    ("neglect_indicators", "Signs of neglect", "Arwyddion esgeulustod"),
    ("network", "Family and friends network", "Rhwydwaith teulu a ffrindiau"),
    ("non_engagement", "Non-engagement", "Diffyg ymgysylltu"),
    ("parental_mental_health", "Parental mental health", "Iechyd meddwl rhieni"),
    ("safety_plan_breach", "Safety plan not kept", "Cynllun diogelwch heb ei ddilyn"),
    ("safety_planning", "Safety planning", "Cynllunio diogelwch"),
    ("school_attendance", "School attendance", "Presenoldeb yn yr ysgol"),
    ("strengths", "Strengths", "Cryfderau"),
    ("substance_misuse", "Substance misuse", "Camddefnyddio sylweddau"),
]


def add_themes(apps, schema_editor):
    Theme = apps.get_model("chronology", "Theme")
    for code, name_en, name_cy in THEMES:
        Theme.objects.update_or_create(code=code, defaults={"name_en": name_en, "name_cy": name_cy})


class Migration(migrations.Migration):
    dependencies = [("chronology", "0001_initial")]

    operations = [migrations.RunPython(add_themes, migrations.RunPython.noop)]
