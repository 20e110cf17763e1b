from django.db import migrations

BATCH = 2000


def backfill(apps, schema_editor):
    from residents.names import name_pinyin

    Resident = apps.get_model("residents", "Resident")
    batch = []
    for resident in Resident.objects.filter(name_pinyin="").only("pk", "name").iterator(BATCH):
        resident.name_pinyin, resident.name_initials = name_pinyin(resident.name)
        batch.append(resident)
        if len(batch) == BATCH:
            Resident.objects.bulk_update(batch, ["name_pinyin", "name_initials"])
            batch = []
    Resident.objects.bulk_update(batch, ["name_pinyin", "name_initials"])


class Migration(migrations.Migration):
    dependencies = [("residents", "0002_health_record_and_mpi")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
